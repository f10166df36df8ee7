import { afterAll, afterEach, beforeEach, expect, onTestFailed } from 'vitest'
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

// The app's JSON log lines, which tests cause on purpose (a refused session, a database down),
// are kept back and printed only for a test that fails, or always with QUOTEBOOK_TEST_LOGS=1.
const heldLines: string[] = []
const writeOut = process.stdout.write.bind(process.stdout)
if (process.env.QUOTEBOOK_TEST_LOGS !== '1') {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' && chunk.startsWith('{"time":')) {
        heldLines.push(chunk)
        return true
      }
      return write(chunk, ...rest)
    }) as typeof stream.write
  }
}

/**
 * The app's log lines this test has caused so far, parsed. For a test file that runs the app in
 * its own process (tests/helpers/app.ts); a server it starts has `logLines()` of its own.
 */
export const heldLogLines = (): Record<string, unknown>[] =>
  heldLines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)

beforeEach(() => {
  heldLines.length = 0
  onTestFailed(() => {
    writeOut(heldLines.join(''))
  })
})

afterEach(() => {
  const attempts = offsite.splice(0)
  expect(attempts, 'requests to hosts other than this machine').toEqual([])
})

afterAll(async () => {
  await closeLocalTransport()
})
