import { beforeAll, describe, expect, test } from 'vitest'
import { appHandler, get, ORIGIN, post } from '../helpers/app'
import { signIn } from '../helpers/users'
import { storedQuote } from '../helpers/quotes'

let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

const save = (quote: string, cookies: Record<string, string>, headers: HeadersInit = {}) =>
  handle(post('/edit', { quote }, cookies, headers))

describe('security headers', () => {
  test('every kind of response carries them', async () => {
    const { cookies } = await signIn(handle, ORIGIN)
    const responses = [
      await handle(get('/', cookies)),
      await handle(get('/_.data', cookies)),
      await handle(get('/sign-in')),
      await handle(get('/no/such/page')),
      await handle(get('/healthz')),
      await handle(get('/')),
    ]
    for (const response of responses) {
      const headers = response.headers
      expect(headers.get('Content-Security-Policy'), response.url).toMatch(
        /script-src 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
      )
      expect(headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin')
      expect(headers.get('Permissions-Policy')).toContain('camera=()')
      expect(headers.get('X-Powered-By')).toBeNull()
      expect(headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  test('the CSP allows only this origin, forbids framing, and has no Clerk host in local mode', async () => {
    const csp = (await handle(get('/sign-in'))).headers.get('Content-Security-Policy')!
    for (const directive of [
      "default-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
      "connect-src 'self'",
    ]) {
      expect(csp).toContain(directive)
    }
    expect(csp).not.toMatch(/clerk|cloudflare|unsafe-inline|unsafe-eval/)
  })

  test('each page gets a fresh nonce, and every script on it carries that nonce', async () => {
    const pages = await Promise.all([handle(get('/sign-in')), handle(get('/sign-in'))])
    const nonces = pages.map(
      (page) => /'nonce-([^']+)'/.exec(page.headers.get('Content-Security-Policy')!)![1],
    )
    expect(nonces[0]).not.toBe(nonces[1])
    const html = await pages[0]!.text()
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag)
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonces[0]}"`)
  })

  test('HTML is served as UTF-8', async () => {
    expect((await handle(get('/sign-in'))).headers.get('Content-Type')).toBe(
      'text/html; charset=utf-8',
    )
  })

  test('no HSTS outside production (the production server test checks it is there)', async () => {
    expect((await handle(get('/sign-in'))).headers.get('Strict-Transport-Security')).toBeNull()
  })
})

describe('cross-site requests', () => {
  test('a POST whose Origin is another site is refused before React Router, changing nothing', async () => {
    const { email, cookies } = await signIn(handle, ORIGIN)
    const response = await save('from evil', cookies, { Origin: 'https://evil.example' })
    // React Router's own check would answer 400 and log a stack; the server's answers first.
    expect(response.status).toBe(403)
    expect(await storedQuote(email)).toBeNull()
  })

  test('a POST with no Origin but Sec-Fetch-Site: cross-site is refused, changing nothing', async () => {
    const { email, cookies } = await signIn(handle, ORIGIN)
    const request = post('/edit', { quote: 'from evil' }, cookies, {
      'Sec-Fetch-Site': 'cross-site',
    })
    request.headers.delete('Origin')
    const response = await handle(request)
    expect(response.status).toBe(403)
    expect(await storedQuote(email)).toBeNull()
  })

  test('a cross-origin POST to a route without a page (/sign-out) is refused too', async () => {
    const { cookies } = await signIn(handle, ORIGIN)
    const response = await handle(
      post('/sign-out', {}, cookies, { Origin: 'https://evil.example' }),
    )
    expect(response.status).toBe(403)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  test('a same-origin POST goes through', async () => {
    const { email, cookies } = await signIn(handle, ORIGIN)
    const response = await save('from home', cookies, {
      Origin: ORIGIN,
      'Sec-Fetch-Site': 'same-origin',
    })
    expect(response.status).toBe(303)
    expect(await storedQuote(email)).toBe('from home')
  })
})

describe('error pages', () => {
  test('React Router’s own messages, written for developers, stay off the page', async () => {
    const response = await handle(post('/sign-up', {}))
    expect(response.status).toBe(405)
    // What the page shows; React Router's hydration data (in scripts) is its own business.
    const visible = (await response.text()).replace(/<script\b[\s\S]*?<\/script>/g, '')
    expect(visible).not.toMatch(/did not provide an .action/)
    expect(visible).toContain('Not something this page does')
    expect(visible).not.toContain('An unexpected error occurred')
  })
})

describe('an address no route has', () => {
  test('a data request for it says 404 Not Found, not "Internal Server Error"', async () => {
    for (const path of ['/no/such.data', '/_root.data']) {
      const response = await handle(get(path))
      expect(response.status).toBe(404)
      const body = await response.text()
      expect(body).toContain('"Not Found"')
      expect(body).not.toContain('Internal Server Error')
    }
  })
})

describe('GET /healthz', () => {
  test('answers {"status":"ok"} and which row-level security runs, without a session, and says nothing else', async () => {
    const response = await handle(get('/healthz'))
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(await response.text()).toBe('{"status":"ok","rowLevelSecurity":"app-role"}')
  })
})
