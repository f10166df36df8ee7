import { describe, expect, test } from 'vitest'
import { withoutClerkDiagnostics } from './clerk-state.server'

describe('withoutClerkDiagnostics', () => {
  const clerkState = {
    __type: 'clerkState',
    __internal_clerk_state: {
      __clerk_ssr_state: { userId: null },
      __clerk_debug: { reason: 'token-invalid-signature', message: 'Invalid JWT signature' },
    },
  }

  test('in production, Clerk’s reasons for refusing a session stay on the server', () => {
    expect(withoutClerkDiagnostics(clerkState, true)).toEqual({
      __type: 'clerkState',
      __internal_clerk_state: { __clerk_ssr_state: { userId: null } },
    })
  })

  test('in development they reach the browser, and any other shape passes as it is', () => {
    expect(withoutClerkDiagnostics(clerkState, false)).toBe(clerkState)
    expect(withoutClerkDiagnostics(null, true)).toBeNull()
    expect(withoutClerkDiagnostics({ __internal_clerk_state: 'x' }, true)).toEqual({
      __internal_clerk_state: 'x',
    })
  })
})
