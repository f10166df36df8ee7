import { neonConfig } from '@neondatabase/serverless'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { appHandler, get, ORIGIN, post } from '../helpers/app'
import { errorBody, json } from '../helpers/neon-answers'
import { heldLogLines } from '../helpers/setup'
import { signIn } from '../helpers/users'
import { authenticatedUrl } from '../helpers/authenticated-url'

// Neon RLS (DATABASE_AUTHENTICATED_URL): the requests the app sends Neon's auth broker with each
// user's session token, and Neon's refusals of that token, exactly as its proxy sends them,
// played to the real driver through neonConfig.fetchFunction and through the whole app. Every
// refusal is a 400 with no code (neondatabase/neon at 6a35a3e, proxy/src/auth/backend/jwt.rs and
// serverless/sql_over_http.rs; app/db/neon-jwt.server.ts): the driver cannot tell it from
// a connection lost mid-query (a 503) but by its message. A token Clerk accepted and Neon
// refuses means Neon RLS is set up with another JWKS or audience than Clerk's, or a clock is
// off: retrying will not help, so it is a 500 that says so in the log, never an outage.
const serverUrl = process.env.DATABASE_URL
process.env.DATABASE_AUTHENTICATED_URL = authenticatedUrl(serverUrl)

const refusals: string[] = [
  'jwk not found',
  'JWT token has expired (exp=1735689600)',
  'JWT token is not yet ready to use (nbf=1735689600)',
  'missing key id',
  'signature error: signature error',
  'signature algorithm not supported',
  'invalid RSA signing algorithm',
  'unsupported EC key type P384',
  'invalid JWT token audience',
  'Provided authentication token is not a valid JWT encoding',
  'missing authentication credentials: required authorization bearer token in JWT format',
  'failed to fetch auth rules: JWKs settings for this role were not configured',
]

interface SentToNeon {
  authorization: string | null
  connectionString: string | null
}

let handle: (request: Request) => Promise<Response>
let transport: typeof neonConfig.fetchFunction
// The owner's connection string, as the app sends it (the embedded database's port is its own).
let ownerConnection: string

beforeAll(async () => {
  handle = await appHandler()
  // The app's database client is made on its first request, and sets the local transport then.
  expect((await handle(get('/healthz'))).status).toBe(200)
  transport = neonConfig.fetchFunction
  neonConfig.fetchFunction = (input: string, init: RequestInit) => {
    ownerConnection = new Headers(init.headers).get('Neon-Connection-String')!
    return transport(input, init)
  }
  expect((await handle(get('/healthz'))).status).toBe(200)
  neonConfig.fetchFunction = transport
})
afterEach(() => {
  neonConfig.fetchFunction = transport
})

/**
 * Neon's auth broker refusing every request that carries a session token with `message`; what
 * each request carried is kept. Requests without one (the owner's: /healthz) reach the database.
 */
function refuseTokens(message: string): SentToNeon[] {
  const sent: SentToNeon[] = []
  neonConfig.fetchFunction = async (input: string, init: RequestInit) => {
    const headers = new Headers(init.headers)
    const connectionString = headers.get('Neon-Connection-String')
    if (new URL(connectionString!).username !== 'authenticated') return transport(input, init)
    sent.push({ authorization: headers.get('Authorization'), connectionString })
    return json(400, errorBody(message))()
  }
  return sent
}

/** The connection string of `authenticated`: the owner's, with that user and no password. */
function authenticatedConnection() {
  const url = new URL(ownerConnection)
  url.username = 'authenticated'
  url.password = ''
  return url.href
}

const refusalLogged = (message: string) =>
  expect.objectContaining({
    level: 'error',
    message: expect.stringMatching(/^database refused the session token/),
    error: expect.objectContaining({ message, code: '' }),
  })

describe('Neon RLS: the request the driver sends Neon', () => {
  test("a page view carries the user's session token and the authenticated connection string", async () => {
    const { cookies } = await signIn(handle, ORIGIN)
    const sent = refuseTokens('jwk not found')
    await handle(get('/', cookies))
    expect(sent).toEqual([
      {
        authorization: `Bearer ${cookies.__session}`,
        connectionString: authenticatedConnection(),
      },
    ])
  })
})

describe('Neon’s refusals of a session token, through the driver and the app', () => {
  test.each(refusals)('%s: a save ends in the 500 page, the text kept', async (message) => {
    const { cookies } = await signIn(handle, ORIGIN)
    const sent = refuseTokens(message)
    const response = await handle(post('/edit', { quote: 'Kept whatever Neon refuses' }, cookies))
    expect(response.status).toBe(500)
    const html = await response.text()
    expect(html).toMatch(/<textarea[^>]*>Kept whatever Neon refuses<\/textarea>/)
    expect(html).toContain(
      'Something went wrong on our side, so your quote may not have been saved',
    )
    expect(html).not.toContain(message)
    expect(sent.length).toBeGreaterThan(0)
    expect(heldLogLines()).toContainEqual(refusalLogged(message))
  })

  test.each(refusals)('%s: a page view is a 500, logged as such', async (message) => {
    const { cookies } = await signIn(handle, ORIGIN)
    refuseTokens(message)
    const page = await handle(get('/', cookies))
    expect(page.status).toBe(500)
    expect(await page.text()).not.toContain(message)
    expect(heldLogLines()).toContainEqual(refusalLogged(message))
  })
})
