import { afterAll, afterEach, expect } from 'vitest'
import { closeLocalTransport } from '../../app/db/local-pool.server'
import { isLoopback } from './loopback.mjs'

// No test may reach a host other than this machine: Clerk and Neon are not reachable here, and a
// request that tries is a defect even where it would happen to succeed. Code under test may
// swallow the error thrown here, so each attempt is also recorded and fails the test.
const offsite: string[] = []
const realFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (!isLoopback(url.hostname)) {
    offsite.push(url.origin)
    throw new Error(`A test made a request to ${url.origin}; only loopback is allowed`)
  }
  return realFetch(input, init)
}

afterEach(() => {
  const attempts = offsite.splice(0)
  expect(attempts, 'requests to hosts other than this machine').toEqual([])
})

afterAll(async () => {
  await closeLocalTransport()
})
