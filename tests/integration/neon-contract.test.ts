import { neonConfig } from '@neondatabase/serverless'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { appHandler, get, ORIGIN, post } from '../helpers/app'
import { errorBody, json } from '../helpers/neon-answers'
import { signIn } from '../helpers/users'

// Neon's failure answers, exactly as its proxy sends them, played to the real driver through
// neonConfig.fetchFunction and through the whole app. Each must end in the 503 page with the
// typed text kept, never in a 500. The shapes are read from neondatabase/neon at 6a35a3e:
// - proxy/src/serverless/sql_over_http.rs:220-240: the error body (tests/helpers/neon-answers.ts);
//   400 for errors of a query (:333), 500 for a compute it cannot reach (:326-329,
//   compute/mod.rs:33);
// - :136-153: a query cancelled when its connection was cut, two keys only;
// - proxy/src/http/mod.rs:150-175 and sql_over_http.rs:259-260: 413 and 507 past the 10 MiB
//   request and response limits (binary/proxy.rs:310-314).
// The driver (@neondatabase/serverless 1.2.0, index.mjs:1317) reads only a 400 as JSON; any other
// status becomes "Server error (HTTP status N): <body>" with no code.

const answers: [string, () => Response][] = [
  [
    '400: a Postgres error with every field (the compute restarting, 57P01)',
    json(
      400,
      errorBody('terminating connection due to administrator command', {
        code: '57P01',
        severity: 'FATAL',
        file: 'postgres.c',
        line: '3289',
        routine: 'ProcessInterrupts',
      }),
    ),
  ],
  ['400: a connection lost mid-query, no code', json(400, errorBody('connection closed'))],
  [
    '400: a query cancelled as its connection was cut (08P01)',
    json(400, { message: 'Query cancelled, connection was terminated', code: '08P01' }),
  ],
  [
    '500: a compute the proxy cannot reach',
    json(500, errorBody("Couldn't connect to compute node")),
  ],
  [
    '500: a plain-text body, from anything in between',
    () =>
      new Response('upstream connect error', {
        status: 500,
        headers: { 'Content-Type': 'text/plain' },
      }),
  ],
  [
    '413: a request over 10 MiB',
    json(413, errorBody('request is too large (max is 10485760 bytes)')),
  ],
  [
    '507: a response over 10 MiB',
    json(507, errorBody('response is too large (max is 10485760 bytes)')),
  ],
]

let handle: (request: Request) => Promise<Response>
let transport: typeof neonConfig.fetchFunction
beforeAll(async () => {
  handle = await appHandler()
  // The app's database client is made on its first request, and sets the local transport then.
  expect((await handle(get('/healthz'))).status).toBe(200)
  transport = neonConfig.fetchFunction
})
afterEach(() => {
  neonConfig.fetchFunction = transport
})

describe('Neon’s failure answers, through the driver and the app', () => {
  test.each(answers)('%s: a save ends in the 503 page, the text kept', async (_, answer) => {
    const { cookies } = await signIn(handle, ORIGIN)
    neonConfig.fetchFunction = async () => answer()
    const response = await handle(post('/edit', { quote: 'Kept whatever Neon answers' }, cookies))
    expect(response.status).toBe(503)
    const html = await response.text()
    expect(html).toMatch(/<textarea[^>]*>Kept whatever Neon answers<\/textarea>/)
    expect(html).toContain('Quotebook is temporarily unavailable')
  })

  test.each(answers)('%s: a page view is a 503, and /healthz too', async (_, answer) => {
    const { cookies } = await signIn(handle, ORIGIN)
    neonConfig.fetchFunction = async () => answer()
    const page = await handle(get('/', cookies))
    expect(page.status).toBe(503)
    expect((await handle(get('/healthz'))).status).toBe(503)
  })
})
