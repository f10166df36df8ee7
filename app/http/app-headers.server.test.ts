import { describe, expect, test } from 'vitest'
import { appHeaderList, appHeaderNames } from './app-headers.server'
import { newRequestIdentity } from './request-context.server'

describe('newRequestIdentity', () => {
  test('every nonce is 16 fresh random bytes, across refills of the pool they are drawn from', () => {
    // 1,000 draws go through the 256-nonce pool four times.
    const nonces = Array.from({ length: 1_000 }, () => newRequestIdentity().nonce)
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16)
    expect(new Set(nonces).size).toBe(nonces.length)
    const ids = Array.from({ length: 1_000 }, () => newRequestIdentity().id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('appHeaderList', () => {
  test('the fixed headers, then this request’s CSP nonce and id; nothing carried over', () => {
    const first = appHeaderList({ id: 'first-id', nonce: 'Zmlyc3Q=' })
    first.push('X-Added', 'by a caller')
    const second = appHeaderList({ id: 'second-id', nonce: 'c2Vjb25k' })
    const headers = new Map<string, string>()
    for (let index = 0; index < second.length; index += 2)
      headers.set(second[index]!, second[index + 1]!)
    expect(headers.get('X-Request-Id')).toBe('second-id')
    expect(headers.get('Content-Security-Policy')).toContain("script-src 'nonce-c2Vjb25k'")
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(headers.has('X-Added')).toBe(false)
    expect([...headers.keys()].map((name) => name.toLowerCase()).sort()).toEqual(
      [...appHeaderNames].sort(),
    )
  })
})
