import { afterAll } from 'vitest'
import { closeLocalTransport } from '../../app/db/local-transport.server'

// No test may reach a host other than this machine: Clerk and Neon are not reachable here, and a
// request that tries is a defect even where it would happen to succeed.
const loopback = new Set(['localhost', '127.0.0.1', '[::1]'])
const realFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (!loopback.has(url.hostname)) {
    throw new Error(`A test made a request to ${url.origin}; only loopback is allowed`)
  }
  return realFetch(input, init)
}

afterAll(async () => {
  await closeLocalTransport()
})
