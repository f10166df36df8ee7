import { describe, expect, test } from 'vitest'
import { signInForm } from './sign-in-form'

describe('the local sign-in form', () => {
  test('takes an email address and an optional name', () => {
    expect(signInForm.parse({ email: ' ada@example.com ', name: ' Ada ' })).toEqual({
      email: 'ada@example.com',
      name: 'Ada',
    })
    expect(signInForm.parse({ email: 'ada@example.com', name: '' }).name).toBeUndefined()
  })

  test.each(['a\u0000b', 'a\nb', 'a\tb', 'a\u007fb'])('refuses a name with %j in it', (name) => {
    const parsed = signInForm.safeParse({ email: 'ada@example.com', name })
    expect(parsed.error?.issues[0]?.message).toBe(
      'Your name cannot contain line breaks, tabs or other control characters.',
    )
  })
})
