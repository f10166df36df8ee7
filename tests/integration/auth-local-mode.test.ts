import { beforeAll, describe, expect, test } from 'vitest'
import {
  LOCAL_FRONTEND_API,
  localIdentity,
  localUserId,
  SESSION_SECONDS,
} from '../../app/auth/local-identity.server'
import { appHandler, get, ORIGIN, post, setCookies } from '../helpers/app'
import { refusedSessions } from '../helpers/sessions'

// Local mode: no Clerk keys. The app's own issuer signs the tokens and Clerk's SDK verifies
// them. The in-memory data directory keeps the issuer's key on globalThis, shared with the build.
const issuer = localIdentity(process.env.QUOTEBOOK_DATA_DIR!)

let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

async function signIn(form: Record<string, string>, url = '/sign-in') {
  const response = await handle(post(url, form))
  const cookies = setCookies(response)
  return {
    response,
    cookies,
    session: cookies.get('__session'),
    clientUat: cookies.get('__client_uat'),
  }
}

const asCookies = (cookies: Map<string, { value: string }>) =>
  Object.fromEntries([...cookies].map(([name, { value }]) => [name, value]))

const documentRequest = { 'Sec-Fetch-Dest': 'document', Accept: 'text/html' }

describe('local sign-in', () => {
  test('mints a session in Clerk’s shape and sets Clerk’s cookies', async () => {
    const { response, session, clientUat } = await signIn({
      email: ' Ada@Example.com ',
      name: 'Ada Lovelace',
      redirect_url: '/',
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/')
    const claims = decode(session!.value)
    expect(claims).toMatchObject({
      sub: localUserId('ada@example.com'),
      azp: ORIGIN,
      email: 'Ada@Example.com',
      name: 'Ada Lovelace',
      exp: (claims.iat as number) + SESSION_SECONDS,
    })
    expect(SESSION_SECONDS).toBe(8 * 60 * 60) // a working day
    expect(claims.sid).toMatch(/^sess_/)
    expect(claims.nbf).toBeLessThanOrEqual(claims.iat as number)
    expect(clientUat?.value).toBe(String(claims.iat))
    for (const cookie of [session!, clientUat!]) {
      expect(cookie.attributes).toEqual(
        expect.arrayContaining([
          'Path=/',
          'HttpOnly',
          'SameSite=Lax',
          `Max-Age=${SESSION_SECONDS}`,
        ]),
      )
      expect(cookie.attributes).not.toContain('Secure')
    }
  })

  test('the session opens the home page, with the name in the header', async () => {
    const { cookies } = await signIn({ email: 'ada@example.com', name: 'Ada Lovelace' })
    const response = await handle(get('/', asCookies(cookies), documentRequest))
    expect(response.status).toBe(200)
    expect(await response.text()).toContain(
      'Signed in as </span><strong class="font-semibold">Ada Lovelace</strong>',
    )
  })

  test('without a name, the header shows the email', async () => {
    const { cookies } = await signIn({ email: 'grace@example.com' })
    const response = await handle(get('/', asCookies(cookies)))
    expect(await response.text()).toContain(
      'Signed in as </span><strong class="font-semibold">grace@example.com</strong>',
    )
  })

  test('the same email is the same user, in any case; another email another user', () => {
    expect(localUserId('Ada@Example.com ')).toBe(localUserId('ada@example.com'))
    expect(localUserId('grace@example.com')).not.toBe(localUserId('ada@example.com'))
  })

  test('cookies are Secure when the app is served over https', async () => {
    const response = await handle(
      new Request('https://localhost/sign-in', {
        method: 'POST',
        body: new URLSearchParams({ email: 'ada@example.com' }),
        headers: { Origin: 'https://localhost' },
      }),
    )
    for (const [, cookie] of setCookies(response)) expect(cookie.attributes).toContain('Secure')
  })

  test.each([
    ['/quotes?tab=mine', '/quotes?tab=mine'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    // The page, never React Router's data for it, nor Clerk's handshake.
    ['/_.data', '/'],
    ['/_.data?_routes=root&edit', '/?edit='],
    ['/sign-in.data?index', '/sign-in'],
    ['/?__clerk_handshake_nonce=abc', '/'],
  ])('redirect_url %j leads to %j', async (redirectUrl, expected) => {
    const { response } = await signIn({ email: 'ada@example.com', redirect_url: redirectUrl })
    expect(response.headers.get('Location')).toBe(expected)
  })

  test.each([
    [{ email: '' }, 'Enter your email address.'],
    [{ email: 'not-an-email' }, 'Enter an email address like ada@example.com.'],
    [
      { email: 'ada@example.com', name: 'x'.repeat(101) },
      'Your name can be at most 100 characters.',
    ],
    [{}, 'Enter your email address.'],
  ])(
    'refuses %j with a message, keeping the input and setting no cookie',
    async (form, message) => {
      const { response, cookies } = await signIn(form)
      expect(response.status).toBe(400)
      expect(cookies.size).toBe(0)
      const html = await response.text()
      expect(html).toContain(message)
      if ('email' in form && form.email) expect(html).toContain(`value="${form.email}"`)
    },
  )

  test('the sign-in page of a signed-in user goes on to redirect_url', async () => {
    const { cookies } = await signIn({ email: 'ada@example.com' })
    const response = await handle(get('/sign-in?redirect_url=%2Fsomewhere', asCookies(cookies)))
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/somewhere')
  })

  test('the sign-in page says there is no password and no revocation', async () => {
    const html = await (await handle(get('/sign-in'))).text()
    expect(html).toContain('Local sign-in for development: no password and no account')
    expect(html).toContain('cannot revoke it: a copied session cookie works until it')
    expect(html).toMatch(/expires, <!-- -->8<!-- --> hours after signing in/)
  })

  test('sign-up is the local sign-in', async () => {
    const response = await handle(get('/sign-up?redirect_url=%2F'))
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/sign-in?redirect_url=%2F')
    // From a client-side navigation too, without React Router's markers.
    const data = await handle(get('/sign-up.data?redirect_url=%2F&_routes=routes%2Fsign-up'))
    expect(data.status).toBe(202)
    expect(await data.text()).toContain('"/sign-in?redirect_url=%2F"')
  })
})

describe('local sign-out', () => {
  test('POST /sign-out clears both cookies and leads to sign-in', async () => {
    const { cookies } = await signIn({ email: 'ada@example.com' })
    const response = await handle(post('/sign-out', {}, asCookies(cookies)))
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/sign-in')
    const cleared = setCookies(response)
    expect(cleared.get('__session')?.attributes).toContain('Max-Age=0')
    expect(cleared.get('__client_uat')?.attributes).toContain('Max-Age=0')
  })

  test('posted from the quote form, it keeps the typed text for the same user only', async () => {
    const email = 'signs-out-typing@example.com'
    const { cookies } = await signIn({ email })
    const form = { quote: 'Typed before signing out', version: '' }
    const response = await handle(post('/sign-out', form, asCookies(cookies)))
    expect(response.headers.get('Location')).toBe('/sign-in')
    const carried = { quotebook_carryover: setCookies(response).get('quotebook_carryover')!.value }
    const pageOf = async (as: string) => {
      const { cookies: again } = await signIn({ email: as })
      return (await handle(get('/', { ...asCookies(again), ...carried }))).text()
    }
    expect(await pageOf('someone-else@example.com')).not.toContain('Typed before signing out')
    expect(await pageOf(email)).toMatch(/<textarea[^>]*>Typed before signing out<\/textarea>/)
  })

  test('GET /sign-out asks when signed in, and leads to signing in when not', async () => {
    const { cookies } = await signIn({ email: 'asks@example.com' })
    const page = await handle(get('/sign-out', asCookies(cookies)))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Sign out?')
    const signedOut = await handle(get('/sign-out'))
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('Location')).toBe('/sign-in')
  })
})

describe('a refused local session', () => {
  test.each(refusedSessions(issuer.privateKey, `https://${LOCAL_FRONTEND_API}`))(
    '%s ends signed out with the cookies cleared, never at a Clerk host',
    async (_, cookies) => {
      for (const headers of [documentRequest, {}]) {
        const response = await handle(get('/', cookies, headers))
        expect(response.status).toBe(302)
        expect(['/', '/sign-in?redirect_url=%2F']).toContain(response.headers.get('Location'))
        const cleared = setCookies(response)
        expect(cleared.get('__session')?.attributes).toContain('Max-Age=0')
        expect(cleared.get('__client_uat')?.attributes).toContain('Max-Age=0')
      }
    },
  )

  // Clerk answers an expired session with its handshake when it takes the request for a page
  // load: here, a data request that sends no Sec-Fetch-Dest and accepts text/html.
  test('on a data request Clerk takes for a page load: back to the page, cookies cleared', async () => {
    const [, cookies] = refusedSessions(issuer.privateKey, `https://${LOCAL_FRONTEND_API}`)[0]!
    const response = await handle(
      get('/edit.data?_routes=root%2Croutes%2Fquote%2Flayout', cookies, { Accept: 'text/html' }),
    )
    expect(response.status).toBe(202)
    const body = await response.text()
    expect(body).toContain('"/edit"')
    expect(body).not.toMatch(/data|_routes|quotebook\.invalid/)
    expect(setCookies(response).get('__session')?.attributes).toContain('Max-Age=0')
  })

  test('after the cookies are cleared, the page redirects to sign-in', async () => {
    const response = await handle(get('/', {}, documentRequest))
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/sign-in?redirect_url=%2F')
    expect(response.headers.getSetCookie()).toEqual([])
  })
})
