import { beforeAll, describe, expect, test } from 'vitest'
import { localIdentity, localUserId } from '../../app/auth/local-identity.server'
import { appHandler, cookieHeader, get, ORIGIN, post } from '../helpers/app'
import { signIn } from '../helpers/users'
import { storedQuote } from '../helpers/quotes'
import { now, otherKey, sessionToken } from '../helpers/sessions'

/**
 * Everything a user can type or send that the app must refuse or take literally. Each case
 * starts from a signed-in user whose saved quote is "kept", sends one request, and checks the
 * status and exactly what the database then holds for that user. No case may produce a 5xx.
 */
let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

const KEPT = 'kept'
const issuer = localIdentity(process.env.QUOTEBOOK_DATA_DIR!)
const localIssuer = 'https://clerk.quotebook.invalid'

interface User {
  email: string
  cookies: Record<string, string>
}

const form = (
  body: string | URLSearchParams,
  user: User,
  contentType = 'application/x-www-form-urlencoded',
) =>
  new Request(`${ORIGIN}/edit`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': contentType, Cookie: cookieHeader(user.cookies), Origin: ORIGIN },
  })

const saving = (quote: string) => (user: User) => post('/edit', { quote }, user.cookies)

const asSession = (token: string, iat: number) => ({ __session: token, __client_uat: String(iat) })

interface Case {
  send: (user: User) => Request
  status: number
  /** What the user's row holds afterwards: KEPT unless the case says otherwise. */
  stored?: string | null
}

const mixed = 'שלום 👋🏽 e\u0301 مرحبا\n⁦RTL⁩ 𝒬𝓊ℴ𝓉ℯ'
const cases: Record<string, Case> = {
  'an empty quote': { send: saving(''), status: 400 },
  'a whitespace-only quote': { send: saving(' \t\r\n '), status: 400 },
  'a quote of 501 code points': { send: saving('🙂'.repeat(501)), status: 400 },
  'a quote of exactly 500 code points': {
    send: saving('🙂'.repeat(500)),
    status: 303,
    stored: '🙂'.repeat(500),
  },
  'a 10 MB quote': { send: saving('x'.repeat(10 * 1024 * 1024)), status: 413 },
  'a NUL byte': { send: saving('nul\u0000byte'), status: 400 },
  'an encoded lone surrogate': {
    send: (user) => form('quote=%ED%A0%BD', user),
    status: 400,
  },
  'a malformed percent-escape': {
    send: (user) => form('quote=%zz', user),
    status: 400,
  },
  'mixed right-to-left, emoji and combining text': {
    send: saving(mixed),
    status: 303,
    stored: mixed,
  },
  'an SQL injection attempt': {
    send: saving("'); delete from user_messages; --"),
    status: 303,
    stored: "'); delete from user_messages; --",
  },
  'an SQL injection with a quote and a comment': {
    send: saving("x' or '1'='1' /*"),
    status: 303,
    stored: "x' or '1'='1' /*",
  },
  'HTML and script': {
    send: saving('<script>alert(1)</script><b onmouseover=alert(2)>'),
    status: 303,
    stored: '<script>alert(1)</script><b onmouseover=alert(2)>',
  },
  'a missing quote field': {
    send: (user) => post('/edit', {}, user.cookies),
    status: 400,
  },
  'two quote fields': {
    send: (user) => post('/edit', new URLSearchParams('quote=one&quote=two'), user.cookies),
    status: 400,
  },
  // A form from a page loaded before the quote's pages moved, posted to their old address.
  'two intents, to the old address': {
    send: (user) =>
      post('/?index', new URLSearchParams('intent=save&intent=delete&quote=x'), user.cookies),
    status: 400,
  },
  'a JSON body': {
    send: (user) => form(JSON.stringify({ quote: 'json' }), user, 'application/json'),
    status: 415,
  },
  'a multipart body': {
    send: (user) => {
      const body = new FormData()
      body.set('quote', 'multipart')
      return new Request(`${ORIGIN}/edit`, {
        method: 'POST',
        body,
        headers: { Cookie: cookieHeader(user.cookies) },
      })
    },
    status: 415,
  },
  'no body at all': { send: (user) => form('', user), status: 400 },
  'an unknown intent, to the old address': {
    send: (user) => post('/?index', { intent: 'drop', quote: 'x' }, user.cookies),
    status: 400,
  },
  'a user_id field naming another user': {
    send: (user) => post('/delete', { user_id: 'user_someone_else' }, user.cookies),
    status: 303,
    stored: null,
  },
  'a save with a version no page wrote': {
    send: (user) => post('/edit', { quote: 'x', version: 'abc' }, user.cookies),
    status: 400,
  },
  'a save with a version of a day that does not exist': {
    send: (user) =>
      post('/edit', { quote: 'x', version: '2026-02-30T00:00:00.000000Z' }, user.cookies),
    status: 400,
  },
  'a save based on a version from the far future': {
    send: (user) =>
      post('/edit', { quote: 'x', version: '9999-12-31T23:59:59.999999Z' }, user.cookies),
    status: 409,
  },
  'a delete with a version no page wrote': {
    send: (user) => post('/delete', { version: '0' }, user.cookies),
    status: 400,
  },
  'a GET to an unknown route': { send: (user) => get('/no/such/route', user.cookies), status: 404 },
  'a POST to an unknown route': {
    send: (user) => post('/no/such/route', { intent: 'delete' }, user.cookies),
    status: 404,
  },
  'a GET to the address that discards a draft': {
    send: (user) => get('/draft/discard', user.cookies),
    status: 404,
  },
  'a POST to the health check': {
    send: (user) => post('/healthz', { intent: 'delete' }, user.cookies),
    status: 405,
  },
  'a forged session (another key)': {
    send: (user) => {
      const { token, payload } = sessionToken(
        otherKey(),
        { sub: localUserId(user.email) },
        localIssuer,
      )
      return post('/delete', {}, asSession(token, payload.iat))
    },
    status: 303,
  },
  'an expired session': {
    send: (user) => {
      const { token, payload } = sessionToken(
        issuer.privateKey,
        { sub: localUserId(user.email), iat: now() - 900, nbf: now() - 910, exp: now() - 60 },
        localIssuer,
      )
      return post('/delete', {}, asSession(token, payload.iat))
    },
    status: 303,
  },
  'an oversized cookie': {
    send: (user) => post('/delete', {}, { ...user.cookies, __session: 'x'.repeat(12 * 1024) }),
    status: 303,
  },
  'a cross-site POST without Origin': {
    send: (user) => {
      const request = post('/delete', {}, user.cookies, {
        'Sec-Fetch-Site': 'cross-site',
      })
      request.headers.delete('Origin')
      return request
    },
    status: 403,
  },
  'a cross-site POST with Origin': {
    send: (user) => post('/delete', {}, user.cookies, { Origin: 'https://evil.example' }),
    status: 403,
  },
}

describe('bad input', () => {
  test.each(Object.entries(cases))('%s', async (_, { send, status, stored = KEPT }) => {
    const user = await signIn(handle, ORIGIN)
    expect((await handle(post('/edit', { quote: KEPT }, user.cookies))).status).toBe(303)
    const response = await handle(send(user))
    expect(response.status).toBe(status)
    const actual = await storedQuote(user.email)
    expect(actual).toBe(stored)
    if (typeof stored === 'string') expect(Buffer.from(actual!)).toEqual(Buffer.from(stored))
  })

  test('HTML in a quote is escaped in the page', async () => {
    const user = await signIn(handle, ORIGIN)
    await handle(saving('<script>alert(1)</script>')(user))
    const html = await (await handle(get('/', user.cookies))).text()
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert(1)')
  })

  test.each(['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)'])(
    'a redirect_url of %j leads home after signing in',
    async (redirectUrl) => {
      const response = await handle(
        post('/sign-in', { email: 'ada@example.com', redirect_url: redirectUrl }),
      )
      expect(response.status).toBe(303)
      expect(response.headers.get('Location')).toBe('/')
    },
  )
})
