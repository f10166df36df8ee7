import { describe, expect, test } from 'vitest'
import { safeRedirectPath } from './redirect'

describe('safeRedirectPath', () => {
  test.each([
    ['/', '/'],
    ['/quotes?x=1#top', '/quotes?x=1#top'],
    ['/a/../b', '/b'],
    ['/caf%C3%A9', '/caf%C3%A9'],
  ])('keeps the same-origin path %j', (value, expected) => {
    expect(safeRedirectPath(value)).toBe(expected)
  })

  test.each([
    '//evil.example',
    '/.//evil.example',
    '/..//evil.example',
    '/%2e//evil.example',
    '/./\\evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'evil.example',
    '',
    `/${'a'.repeat(3000)}`,
    undefined,
    null,
    ['/'],
  ])('refuses %j', (value) => {
    expect(safeRedirectPath(value)).toBe('/')
  })

  test.each([
    ['/_.data', '/'],
    ['/_.data?edit', '/?edit'],
    ['/sign-in.data', '/sign-in'],
    ['/x/_.data', '/x/'],
    ['/?index', '/'],
    ['/?index&delete', '/?delete='],
    ['/?index=kept', '/?index=kept'],
    ['/?_routes=root%2Croutes%2Fhome', '/'],
    ['/?__clerk_handshake_nonce=abc&edit', '/?edit='],
    ['/?%5F%5Fclerk_handshake=abc', '/'],
    ['/?delete', '/?delete'],
  ])('gives %j as the page it stands for, %j', (value, expected) => {
    expect(safeRedirectPath(value)).toBe(expected)
  })

  test('uses the fallback it is given', () => {
    expect(safeRedirectPath('//evil', '/home')).toBe('/home')
  })
})
