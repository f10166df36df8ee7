import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { appHandler, get, ORIGIN, post } from '../helpers/app'
import { now, refusedSessions, sessionToken } from '../helpers/sessions'

// Clerk mode with production-format test keys and CLERK_JWT_KEY: Clerk's SDK verifies each
// session with this test key pair, networkless, exactly as it verifies Clerk's own tokens.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
process.env.CLERK_PUBLISHABLE_KEY = `pk_live_${Buffer.from('clerk.quotebook.test$').toString('base64')}`
process.env.CLERK_SECRET_KEY = 'sk_live_quotebook_test_only'
process.env.CLERK_JWT_KEY = publicKey.export({ type: 'spki', format: 'pem' }).toString()
process.env.APP_URL = ORIGIN

let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

const signInRedirect = '/sign-in?redirect_url=%2F'

describe('Clerk mode', () => {
  test('a valid session gets the home page, with the name from the token', async () => {
    const { token, payload } = sessionToken(privateKey)
    const response = await handle(get('/', { __session: token, __client_uat: String(payload.iat) }))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain(
      'Signed in as </span><strong class="font-semibold">Ada Lovelace</strong>',
    )
  })

  test('without a session, a page redirects to sign-in', async () => {
    const response = await handle(get('/'))
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe(signInRedirect)
  })

  test.each(refusedSessions(privateKey))(
    'a session %s is signed out, never a 500',
    async (_, cookies) => {
      const response = await handle(get('/', cookies))
      expect(response.status).toBe(302)
      expect(response.headers.get('Location')).toBe(signInRedirect)
    },
  )

  // Clerk refreshes an expired session by sending a page load to its handshake, which returns
  // the browser to `redirect_url`: the page, even for a data request Clerk takes for a page
  // load (no Sec-Fetch-Dest, and Accept: text/html; a browser's own says Sec-Fetch-Dest: empty).
  test.each([
    ['a page load', '/?edit', { 'Sec-Fetch-Dest': 'document' }, '/?edit='],
    [
      'a data request that looks like one',
      '/_.data?edit&_routes=root',
      { Accept: 'text/html' },
      '/?edit=',
    ],
    [
      'one with an empty Sec-Fetch-Dest',
      '/_.data',
      { 'Sec-Fetch-Dest': '', Accept: 'text/html' },
      '/',
    ],
    ['a data request for another page', '/sign-in.data', { Accept: 'text/html' }, '/sign-in'],
  ])('an expired session on %s is refreshed, back to the page', async (_, path, headers, back) => {
    const { token } = sessionToken(privateKey, { iat: now() - 600, exp: now() - 540 })
    const response = await handle(get(path, { __session: token, __client_uat: '1' }, headers))
    const body = await response.text()
    const location =
      response.headers.get('Location') ?? /"(https:\/\/clerk\.[^"]+)"/.exec(body)?.[1]
    const handshake = new URL(location!)
    expect(handshake.origin + handshake.pathname).toBe(
      'https://clerk.quotebook.test/v1/client/handshake',
    )
    expect(handshake.searchParams.get('redirect_url')).toBe(`${ORIGIN}${back}`)
  })

  test('the local sign-in and sign-out endpoints do not exist', async () => {
    expect((await handle(post('/sign-in', { email: 'ada@example.com' }))).status).toBe(404)
    expect((await handle(post('/sign-out', {}))).status).toBe(404)
  })

  test('the sign-in page is Clerk’s, not the local form', async () => {
    const response = await handle(get('/sign-in'))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).not.toContain('name="email"')
    expect(html).not.toContain('Local sign-in for development')
  })

  test('a signed-in user who reaches the sign-in page goes on to redirect_url', async () => {
    const { token, payload } = sessionToken(privateKey)
    const cookies = { __session: token, __client_uat: String(payload.iat) }
    const response = await handle(get('/sign-in?redirect_url=%2F%3Fdraft', cookies))
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/?draft')
  })
})
