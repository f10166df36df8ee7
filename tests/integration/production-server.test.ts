import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { gunzipSync, brotliDecompressSync } from 'node:zlib'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { applyMigrations } from '../../app/db/migrate'
import { type FreshDatabase, freshDatabase } from '../helpers/database'
import { postSave, type RunningServer, startProductionServer } from '../helpers/production-server'
import { now, sessionToken } from '../helpers/sessions'
import { type Send, signIn } from '../helpers/users'
import { freePort } from '../helpers/tcp-proxy'
import { authenticatedUrl } from '../helpers/authenticated-url'

// The built production server (`npm start`), in its own process, in production mode, as a
// deployment runs it: behind a proxy that terminates TLS, with APP_URL the public origin.
const PUBLIC = 'https://qb.example.test'

let database: FreshDatabase
let server: RunningServer

// A preload that refuses and reports every request to another host (tests/helpers/no-outbound.mjs).
const noOutbound = ['--import', './tests/helpers/no-outbound.mjs']

/** The production server as deployed behind the proxy: a local-mode demo on `database`. */
const startBehindProxy = (env: Record<string, string | undefined> = {}, nodeArgs: string[] = []) =>
  startProductionServer(
    {
      NODE_ENV: 'production',
      AUTH_MODE: 'local',
      APP_URL: PUBLIC,
      DATABASE_URL: database.url,
      ...env,
    },
    { nodeArgs },
  )

beforeAll(async () => {
  database = await freshDatabase()
  await applyMigrations({ databaseUrl: database.url, log: () => {} })
  server = await startBehindProxy()
})

afterAll(async () => {
  await server?.stop()
  await database?.drop()
})

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** One request over plain HTTP, as a proxy sends it: any method, path, Host and headers. */
function send(
  target: RunningServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: target.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Bytes written on a fresh connection, and everything that comes back until it closes. */
function rawExchange(target: RunningServer, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, '127.0.0.1', () => socket.write(request))
    let text = ''
    socket.on('data', (chunk) => (text += chunk))
    socket.on('end', () => resolve(text))
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
}

const asProxy = { Host: 'qb.example.test', 'X-Forwarded-Proto': 'https' }

function expectAppHeaders(headers: IncomingHttpHeaders) {
  expect(headers['content-security-policy']).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/)
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
  expect(headers['strict-transport-security']).toContain('max-age=31536000')
  expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
}

/** The server's log lines for one request id (the header every response carries). */
const linesFor = (target: RunningServer, answer: Answer) =>
  target.logLines().filter((line) => line.requestId === answer.headers['x-request-id'])

const stackTrace = /\n\s+at \S/

/** A form posted from the public origin, as the browser behind the proxy sends it. */
const postForm = (
  target: RunningServer,
  path: string,
  cookie: string,
  form: Record<string, string>,
) =>
  send(
    target,
    'POST',
    path,
    {
      ...asProxy,
      Origin: PUBLIC,
      Cookie: cookie,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    new URLSearchParams(form).toString(),
  )

/** Requests sent as the proxy in front of `target` passes them on (see `send`). */
const viaProxy =
  (target: RunningServer): Send =>
  async (request) => {
    const url = new URL(request.url)
    const answer = await send(
      target,
      request.method,
      `${url.pathname}${url.search}`,
      { ...asProxy, ...Object.fromEntries(request.headers) },
      await request.text(),
    )
    const headers = new Headers()
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const each of [value ?? []].flat()) headers.append(name, each)
    }
    return new Response(answer.body.length > 0 ? new Uint8Array(answer.body) : null, {
      status: answer.status,
      headers,
    })
  }

/** A user signed in from the public origin, through the proxy. */
const signInBehindProxy = (target: RunningServer, email: string) =>
  signIn(viaProxy(target), PUBLIC, { email, name: 'Grace Hopper' })

describe('behind a proxy, the public origin is APP_URL', () => {
  test('a form posted from the public https origin signs in, with Secure cookies', async () => {
    const { response } = await signInBehindProxy(server, 'proxy@example.com')
    const cookies = response.headers.getSetCookie()
    expect(cookies.map((cookie) => cookie.split('=')[0])).toEqual(['__session', '__client_uat'])
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure/)
    expectAppHeaders(Object.fromEntries(response.headers))
  })

  test('Host and X-Forwarded-* headers change nothing: the origin stays APP_URL', async () => {
    const spoofed = {
      Host: 'evil.example',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'https',
      Forwarded: 'host=evil.example;proto=https',
    }
    // A post that claims the spoofed origin is cross-site to APP_URL.
    const claimed = await send(server, 'POST', '/sign-in', {
      ...spoofed,
      Origin: 'https://evil.example',
    })
    expect(claimed.status).toBe(403)
    // A post from APP_URL succeeds, with Secure cookies for it, whatever Host and proto say.
    const genuine = await send(
      server,
      'POST',
      '/sign-in',
      {
        Host: 'internal:3000',
        'X-Forwarded-Proto': 'http',
        Origin: PUBLIC,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      'email=genuine%40example.com',
    )
    expect(genuine.status).toBe(303)
    for (const cookie of genuine.headers['set-cookie'] ?? []) expect(cookie).toMatch(/; Secure/)
    const page = await send(server, 'GET', '/sign-in', spoofed)
    expect(page.body.toString()).not.toContain('evil.example')
  })

  test('a draft kept over https is a __Host- cookie, offered back after signing in, cleared once saved', async () => {
    const { cookie } = await signInBehindProxy(server, 'expiring@example.com')
    const key = createPrivateKey(readFileSync(join(server.dataDir, 'local-identity.pem')))
    const sub = JSON.parse(
      Buffer.from(/__session=[^.]+\.([^.]+)/.exec(cookie)![1]!, 'base64url').toString(),
    ).sub as string
    const expired = sessionToken(
      key,
      { sub, azp: PUBLIC, iat: now() - 3600, nbf: now() - 3610, exp: now() - 60 },
      'https://clerk.quotebook.invalid',
    )
    const save = await postForm(
      server,
      '/edit',
      `__session=${expired.token}; __client_uat=${expired.payload.iat}`,
      { quote: 'Kept over https' },
    )
    expect(save.status).toBe(303)
    const draft = (save.headers['set-cookie'] ?? []).find((line) =>
      line.startsWith('__Host-quotebook_carryover='),
    )
    expect(draft).toMatch(/; Path=\/;.*; Secure/)
    expect(draft).not.toMatch(/Domain=/i)
    const back = await signInBehindProxy(server, 'expiring@example.com')
    const page = await send(server, 'GET', '/', {
      ...asProxy,
      Cookie: `${back.cookie}; ${draft!.split(';')[0]}`,
    })
    const html = page.body.toString()
    expect(html).toMatch(/<textarea[^>]*>Kept over https<\/textarea>/)
    // Once saved, the draft is forgotten, in the cookie of the same name it was kept in.
    const saved = await postForm(server, '/edit', `${back.cookie}; ${draft!.split(';')[0]}`, {
      quote: 'Kept over https',
      version: '',
    })
    expect(saved.status).toBe(303)
    const after = (saved.headers['set-cookie'] ?? []).find((line) =>
      line.startsWith('__Host-quotebook_carryover='),
    )
    expect(after).toMatch(/; Secure/)
    const next = await send(server, 'GET', '/', {
      ...asProxy,
      Cookie: `${back.cookie}; ${after!.split(';')[0]}`,
    })
    expect(next.body.toString()).toContain('Your quote was saved.')
    expect(next.body.toString()).not.toContain('Your session ended before your quote was saved.')
  })

  test('a session made for the public origin is accepted on the next request', async () => {
    const { cookie } = await signInBehindProxy(server, 'returning@example.com')
    const page = await send(server, 'GET', '/', { ...asProxy, Cookie: cookie })
    expect(page.status).toBe(200)
    expect(page.body.toString()).toContain('Grace Hopper')
  })
})

describe('every response carries the app’s headers and a request id', () => {
  test('a hashed asset: a year, immutable, compressed at build time by Accept-Encoding', async () => {
    const css = readdirSync('build/client/assets').find((file) => /\.css$/.test(file))!
    const plain = await send(server, 'GET', `/assets/${css}`)
    expect(plain.status).toBe(200)
    expectAppHeaders(plain.headers)
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(plain.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toBe('Accept-Encoding')

    const br = await send(server, 'GET', `/assets/${css}`, { 'Accept-Encoding': 'gzip, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true)
    const gzip = await send(server, 'GET', `/assets/${css}`, {
      'Accept-Encoding': 'gzip, br;q=0',
    })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true)
    // A coding refused with q=0 is never sent, though `*` accepts the codings not named.
    const notBr = await send(server, 'GET', `/assets/${css}`, { 'Accept-Encoding': 'br;q=0, *' })
    expect(notBr.headers['content-encoding']).toBe('gzip')
    const neither = await send(server, 'GET', `/assets/${css}`, {
      'Accept-Encoding': 'gzip;q=0, br;q=0, *',
    })
    expect(neither.headers['content-encoding']).toBeUndefined()
    expect(neither.body.equals(plain.body)).toBe(true)

    const again = await send(server, 'GET', `/assets/${css}`, {
      'If-None-Match': plain.headers.etag!,
    })
    expect(again.status).toBe(304)
    expectAppHeaders(again.headers)
    const head = await send(server, 'HEAD', `/assets/${css}`)
    expect(head.status).toBe(200)
    expect(head.body.byteLength).toBe(0)
  })

  test('a public file outside /assets/ gets a short cache', async () => {
    const favicon = await send(server, 'GET', '/favicon.svg')
    expect(favicon.status).toBe(200)
    expectAppHeaders(favicon.headers)
    expect(favicon.headers['cache-control']).toBe('public, max-age=3600')
    expect(favicon.headers['content-type']).toBe('image/svg+xml')
  })

  test('OPTIONS: 204 with Allow', async () => {
    const answer = await send(server, 'OPTIONS', '/', asProxy)
    expect(answer.status).toBe(204)
    expect(answer.headers.allow).toBe('GET, HEAD, POST')
    expectAppHeaders(answer.headers)
  })

  test.each(['TRACE', 'PUT', 'DELETE', 'PATCH'])('%s: 405 with Allow', async (method) => {
    const answer = await send(server, method, '/', asProxy)
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('GET, HEAD, POST')
    expectAppHeaders(answer.headers)
  })

  test.each([
    ['a malformed address (GET /%)', '/%', {}, 400],
    ['Expect other than 100-continue', '/healthz', { Expect: 'teapot' }, 417],
    ['React Router’s page', '/sign-in', {}, 200],
    ['React Router’s redirect to sign in', '/', {}, 302],
    ['React Router’s 404', '/no/such/page', {}, 404],
  ])('%s: %i with the app’s headers', async (_, path, headers, status) => {
    const answer = await send(server, 'GET', path, { ...asProxy, ...headers })
    expect(answer.status).toBe(status)
    expectAppHeaders(answer.headers)
  })

  test('a cross-site form post: 403, and nothing signed in', async () => {
    const answer = await send(
      server,
      'POST',
      '/sign-in',
      {
        ...asProxy,
        Origin: 'https://evil.example',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      'email=victim%40example.com',
    )
    expect(answer.status).toBe(403)
    expect(answer.headers['set-cookie']).toBeUndefined()
    expectAppHeaders(answer.headers)
  })

  test.each([
    ['a PUT', 'PUT', ''],
    ['a cross-site POST', 'POST', 'Origin: https://evil.example\r\n'],
  ])(
    '%s refused before its body is read: the connection closes, the upload is not read',
    async (_, method, origin) => {
      // The body is declared at 100 MB and never sent: the answer must not wait for it.
      const raw = await rawExchange(
        server,
        `${method} / HTTP/1.1\r\nHost: qb.example.test\r\n${origin}` +
          'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\nquote=',
      )
      expect(raw).toMatch(/^HTTP\/1\.1 40[35] /)
      expect(raw).toMatch(/\r\nConnection: close\r\n/)
    },
  )

  test.each([
    ['React Router’s 405 for a page without an action', '/sign-up', 405],
    ['the form reader’s 413 for a declared size over its limit', '/edit', 413],
  ])('%s: the connection closes, the upload is not read', async (_, path, status) => {
    const raw = await rawExchange(
      server,
      `POST ${path} HTTP/1.1\r\nHost: qb.example.test\r\nOrigin: ${PUBLIC}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\nquote=',
    )
    expect(raw.startsWith(`HTTP/1.1 ${status} `)).toBe(true)
    expect(raw).toMatch(/\r\nConnection: close\r\n/)
  })

  test('the same origin over http, when the public origin is https: 403', async () => {
    const answer = await send(server, 'POST', '/sign-in', {
      ...asProxy,
      Origin: 'http://qb.example.test',
    })
    expect(answer.status).toBe(403)
  })

  test('CONNECT: 405 with the app’s headers', async () => {
    const raw = await rawExchange(
      server,
      'CONNECT 127.0.0.1:5432 HTTP/1.1\r\nHost: 127.0.0.1:5432\r\n\r\n',
    )
    expect(raw).toMatch(/^HTTP\/1\.1 405 /)
    expect(raw).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/)
  })

  test('a request asking to switch protocols is answered, and its connection closes: nothing sent behind it waits unanswered', async () => {
    // Node reads nothing more on a connection whose request asked for an Upgrade.
    const raw = await rawExchange(
      server,
      'GET /sign-in HTTP/1.1\r\nHost: qb.example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n' +
        'GET /favicon.svg HTTP/1.1\r\nHost: qb.example.test\r\n\r\n',
    )
    expect(raw).toMatch(/^HTTP\/1\.1 200 /)
    expect(raw).toMatch(/\r\nConnection: close\r\n/)
  })

  test('no Host header: answered as APP_URL', async () => {
    const raw = await rawExchange(server, 'GET /sign-in HTTP/1.0\r\n\r\n')
    expect(raw).toMatch(/^HTTP\/1\.1 200 /)
    expect(raw).toMatch(/\r\nContent-Security-Policy: /i)
  })

  test('a method Node does not know (FOO): 501 with Allow and the app’s headers', async () => {
    const raw = await rawExchange(server, 'FOO / HTTP/1.1\r\nHost: qb.example.test\r\n\r\n')
    expect(raw).toMatch(/^HTTP\/1\.1 501 /)
    expect(raw).toMatch(/\r\nAllow: GET, HEAD, POST\r\n/)
    expect(raw).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/)
  })

  test('bytes Node cannot parse, pipelined behind a save in one packet, wait their turn: the save gets its own 303, then they get their 501, then the connection closes', async () => {
    const { cookie } = await signInBehindProxy(server, 'pipelined@example.com')
    const body = new URLSearchParams({ quote: 'Saved first' })
    const save =
      'POST /edit HTTP/1.1\r\nHost: qb.example.test\r\nX-Forwarded-Proto: https\r\n' +
      `Origin: ${PUBLIC}\r\nCookie: ${cookie}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${Buffer.byteLength(body.toString())}\r\n\r\n${body}`
    const garbage = 'FOO / HTTP/1.1\r\nHost: qb.example.test\r\n\r\n'
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(save + garbage))
      let text = ''
      socket.on('data', (chunk) => (text += chunk))
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
    })
    expect([...raw.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((match) => match[1])).toEqual([
      '303',
      '501',
    ])
    const [saveId, refusalId] = [...raw.matchAll(/^X-Request-Id: (\S+)\r$/gm)].map(
      (match) => match[1],
    )
    expect(saveId).not.toBe(refusalId)
    await expect
      .poll(() => server.logLines().find((line) => line.requestId === saveId))
      .toMatchObject({ method: 'POST', status: 303 })
    expect(server.logLines().find((line) => line.requestId === saveId)).not.toHaveProperty('reason')
    expect(server.logLines().find((line) => line.requestId === refusalId)).toMatchObject({
      status: 501,
      reason: 'method not implemented',
    })
    const page = await send(server, 'GET', '/', { ...asProxy, Cookie: cookie })
    expect(page.body.toString()).toContain('Saved first')
  })

  test('a client that takes none of its answer loses the connection after RESPONSE_TIMEOUT_MS, logged as such', async () => {
    const own = await startBehindProxy({ RESPONSE_TIMEOUT_MS: '2000' })
    try {
      const script = readdirSync('build/client/assets').find((file) => /^client-.*\.js$/.test(file))
      // More answers than the connection's buffers hold (each ~200 KB), pipelined on it.
      const requests = `GET /assets/${script} HTTP/1.1\r\nHost: qb.example.test\r\n\r\n`.repeat(200)
      const socket = connect(own.port, '127.0.0.1')
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
      socket.on('error', () => {})
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      socket.write(requests)
      socket.pause()
      const started = Date.now()
      await expect
        .poll(() => own.logLines().filter((line) => line.reason === 'answer not taken in time'), {
          timeout: 10_000,
        })
        .not.toEqual([])
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900)
      // What was sent before the cut is still in the client's buffers; after it, the end.
      socket.resume()
      await closed
    } finally {
      await own.stop()
    }
  })

  test('an upload the client gives up on is logged as answered with nothing, not as a 400', async () => {
    const { cookie } = await signInBehindProxy(server, 'gave-up@example.com')
    const socket = connect(server.port, '127.0.0.1')
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const before = server.logLines().length
    socket.write(
      'POST /edit HTTP/1.1\r\nHost: qb.example.test\r\nX-Forwarded-Proto: https\r\n' +
        `Origin: ${PUBLIC}\r\nCookie: ${cookie}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9000\r\n\r\n' +
        'quote=' +
        'x'.repeat(1000),
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    socket.destroy()
    await expect
      .poll(() =>
        server
          .logLines()
          .slice(before)
          .find((line) => line.method === 'POST' && line.path === '/edit'),
      )
      .toMatchObject({ status: null, aborted: true })
  })

  test.each([
    ['a page without an action', '/sign-up'],
    ['a data request to the root, which has none', '/_.data'],
  ])('a POST to %s: 405 with Allow: GET, HEAD', async (_, path) => {
    const answer = await send(server, 'POST', path, { ...asProxy, Origin: PUBLIC })
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('GET, HEAD')
    expectAppHeaders(answer.headers)
  })

  test('a POST to /healthz: 405 with Allow, saying so rather than "Unexpected Server Error"', async () => {
    const answer = await send(server, 'POST', '/healthz', { ...asProxy, Origin: PUBLIC })
    expect(answer.status).toBe(405)
    expect(answer.headers.allow).toBe('GET, HEAD')
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.body.toString()).toBe('{"status":"method not allowed"}')
  })

  test.each([
    ['a TLS handshake on the plain port', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'],
    ['a request line that starts with a space', ' GET / HTTP/1.1\r\nHost: qb.example.test\r\n\r\n'],
  ])('%s: 400, not 501, though Node calls its method invalid', async (_, bytes) => {
    const raw = await rawExchange(server, bytes)
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
  })

  test.each([
    ['GET /draft/discard (a form’s endpoint)', 'GET', '/draft/discard'],
    ['the webhook without its signing secret', 'POST', '/api/webhooks/clerk'],
    ['GET on the webhook', 'GET', '/api/webhooks/clerk'],
  ])('%s: 404 "Not Found", not "Unexpected Server Error"', async (_, method, path) => {
    const answer = await send(server, method, path, { ...asProxy, Origin: PUBLIC })
    expect(answer.status).toBe(404)
    expect(answer.body.toString()).toBe('Not Found\n')
    expectAppHeaders(answer.headers)
  })

  test('a request Node cannot parse: 400 with the app’s headers', async () => {
    const raw = await rawExchange(server, 'GET /\u0001 HTTP/1.1\r\nHost: qb.example.test\r\n\r\n')
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
    expect(raw).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/)
    expect(raw).toMatch(/\r\nContent-Security-Policy: /)
  })

  test('a chunked form over the limit: the 413 page reaches the client', async () => {
    const { cookie } = await signInBehindProxy(server, 'chunked@example.com')
    const chunk = `quote=${'a'.repeat(8 * 1024)}`
    const body = Array.from({ length: 3 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`)
    const raw = await rawExchange(
      server,
      'POST /edit HTTP/1.1\r\nHost: qb.example.test\r\n' +
        `Origin: ${PUBLIC}\r\nCookie: ${cookie}\r\nConnection: close\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `${body.join('')}0\r\n\r\n`,
    )
    expect(raw).toMatch(/^HTTP\/1\.1 413 /)
    expect(raw).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/)
  })
})

describe('what depends on the session is never stored by a shared cache', () => {
  test.each(['/', '/edit', '/_.data'])('GET %s signed in: private, no-store', async (path) => {
    const { cookie } = await signInBehindProxy(server, 'private@example.com')
    const answer = await send(server, 'GET', path, { ...asProxy, Cookie: cookie })
    expect(answer.status).toBe(200)
    expect(answer.headers['cache-control']).toBe('private, no-store')
  })

  test('a redirect to sign in: private, no-store; /healthz keeps its own', async () => {
    expect((await send(server, 'GET', '/', asProxy)).headers['cache-control']).toBe(
      'private, no-store',
    )
    expect((await send(server, 'GET', '/healthz', asProxy)).headers['cache-control']).toBe(
      'no-store',
    )
  })
})

describe('what no client can do', () => {
  test('hold a connection with headers sent a byte a second: 408 within the 20 s, then closed', async () => {
    const socket = connect(server.port, '127.0.0.1')
    let answer = ''
    socket.on('data', (chunk) => (answer += chunk))
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())))
    socket.on('error', () => {})
    const started = Date.now()
    const request = `GET / HTTP/1.1\r\nHost: qb.example.test\r\nX-Slow: ${'a'.repeat(200)}`
    // The client keeps trickling after the answer, as a slowloris does; the server must not care.
    let sent = 0
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(request[sent % request.length]!)
      sent += 1
    }, 1_000)
    try {
      const closedAt = await closed
      expect(answer).toMatch(/^HTTP\/1\.1 408 /)
      // Node checks the deadline once a second: 20 s, plus that, plus a margin for a busy machine.
      expect(closedAt - started).toBeGreaterThanOrEqual(19_000)
      expect(closedAt - started).toBeLessThan(25_000)
      expect(server.logLines()).toContainEqual(
        expect.objectContaining({ status: 408, reason: 'request not received in time' }),
      )
    } finally {
      clearInterval(trickle)
      socket.destroy()
    }
  }, 40_000)

  test('a forged token with a control character in its header: signed out, no crash, no Clerk diagnostics', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const token = `${part({ typ: '\u007f', alg: 'RS256' })}.${part({ sub: 'x' })}.c2ln`
    const now = Math.floor(Date.now() / 1000)
    const answer = await send(server, 'GET', '/', {
      ...asProxy,
      Cookie: `__session=${token}; __client_uat=${now}`,
    })
    expect(answer.status).toBe(302)
    expect(Object.keys(answer.headers).filter((name) => name.startsWith('x-clerk-'))).toEqual([])
    expect((await send(server, 'GET', '/healthz', asProxy)).status).toBe(200)
  })

  test('why Clerk refused a forged session is not in the page or its data either', async () => {
    const key = createPrivateKey(readFileSync(join(server.dataDir, 'local-identity.pem')))
    const valid = sessionToken(key, { azp: PUBLIC }, 'https://clerk.quotebook.invalid')
    const [header, payload, signature] = valid.token.split('.')
    const forged = `${header}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`
    for (const path of ['/sign-in', '/sign-in.data']) {
      const answer = await send(server, 'GET', path, {
        ...asProxy,
        Cookie: `__session=${forged}; __client_uat=${valid.payload.iat}`,
      })
      expect(answer.status).toBe(200)
      const body = answer.body.toString()
      // Clerk's state is there for <ClerkProvider>, without its diagnostics.
      expect(body).toContain('__clerk_ssr_state')
      expect(body).not.toContain('__clerk_debug')
      expect(body).not.toContain('token-invalid')
    }
  })

  test('why Clerk refused a session is in the log at debug level, not in the response', async () => {
    const own = await startBehindProxy({ LOG_LEVEL: 'debug' })
    try {
      const key = createPrivateKey(readFileSync(join(own.dataDir, 'local-identity.pem')))
      const expired = sessionToken(
        key,
        { azp: PUBLIC, iat: now() - 3600, nbf: now() - 3610, exp: now() - 60 },
        'https://clerk.quotebook.invalid',
      )
      const answer = await send(own, 'GET', '/', {
        ...asProxy,
        Cookie: `__session=${expired.token}; __client_uat=${expired.payload.iat}`,
      })
      expect(answer.status).toBe(302)
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('x-clerk-'))).toEqual([])
      await expect
        .poll(() => linesFor(own, answer))
        .toContainEqual(
          expect.objectContaining({
            level: 'debug',
            message: 'session not accepted by Clerk',
            clerkAuthReason: expect.stringMatching(/^session-token-expired/),
          }),
        )
      // A browser's page load, which Clerk answers with its handshake, says why too.
      const pageLoad = await send(own, 'GET', '/', {
        ...asProxy,
        'Sec-Fetch-Dest': 'document',
        Accept: 'text/html',
        Cookie: `__session=${expired.token}; __client_uat=${expired.payload.iat}`,
      })
      expect(pageLoad.status).toBe(302)
      expect(Object.keys(pageLoad.headers).filter((name) => name.startsWith('x-clerk-'))).toEqual(
        [],
      )
      await expect
        .poll(() => linesFor(own, pageLoad).map((line) => line.clerkAuthReason))
        .toContainEqual(expect.stringMatching(/^session-token-expired/))
      // No line for a request that carried no session.
      const anonymous = await send(own, 'GET', '/', asProxy)
      await expect.poll(() => linesFor(own, anonymous).length).toBe(1)
      expect(linesFor(own, anonymous)[0]).toMatchObject({ level: 'info', status: 302 })
    } finally {
      await own.stop()
    }
    // At the default level there is no debug line.
    expect(server.logLines().filter((line) => line.level === 'debug')).toEqual([])
  })

  test('LOG_LEVEL=WARN keeps warnings and leaves out the request lines', async () => {
    const own = await startProductionServer({ DATABASE_URL: database.url, LOG_LEVEL: 'WARN' })
    try {
      const fine = await send(own, 'GET', '/sign-in')
      const refused = await send(own, 'PUT', '/')
      expect([fine.status, refused.status]).toEqual([200, 405])
      await expect.poll(() => linesFor(own, refused).map((line) => line.level)).toEqual(['warn'])
      expect(linesFor(own, fine)).toEqual([])
      expect(own.logLines().filter((line) => line.level === 'info')).toEqual([])
    } finally {
      await own.stop()
    }
  })

  test('without APP_URL, a Host no URL can hold: 400, and the server stays up', async () => {
    const bare = await startProductionServer({ APP_URL: undefined, DATABASE_URL: database.url })
    try {
      const answer = await send(bare, 'GET', '/sign-in', { Host: 'localhost:99999' })
      expect(answer.status).toBe(400)
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
      expect((await send(bare, 'GET', '/sign-in', { Host: `127.0.0.1:${bare.port}` })).status).toBe(
        200,
      )
    } finally {
      await bare.stop()
    }
  })

  test('Expect: 100-continue on a cross-site post: 403 without inviting the body', async () => {
    const raw = await rawExchange(
      server,
      'POST /sign-in HTTP/1.1\r\nHost: qb.example.test\r\nOrigin: https://evil.example\r\n' +
        'Expect: 100-continue\r\nContent-Length: 10485760\r\nConnection: close\r\n\r\n',
    )
    expect(raw).toMatch(/^HTTP\/1\.1 403 /)
    expect(raw).not.toContain('100 Continue')
  })
})

describe('a production demo in local mode', () => {
  test('the sign-in page says plainly that there are no passwords and no revocation', async () => {
    const html = (await send(server, 'GET', '/sign-in', asProxy)).body.toString()
    expect(html).toContain('This is a demo with local sign-in.')
    expect(html).toContain('anyone can sign in as any email address')
    expect(html).toContain('Signing out cannot revoke a session')
  })
})

describe('the log', () => {
  test('one JSON line per request: id, method, path without the query, status, milliseconds', async () => {
    const answer = await send(server, 'GET', '/sign-in?redirect_url=%2F&token=secret-in-query', {
      ...asProxy,
      Cookie: '__session=secret-in-cookie',
    })
    await expect.poll(() => linesFor(server, answer).length).toBe(1)
    const [line] = linesFor(server, answer)
    expect(line).toMatchObject({ level: 'info', method: 'GET', path: '/sign-in', status: 200 })
    expect(typeof line!.ms).toBe('number')
    expect(server.output()).not.toContain('secret-in-query')
    expect(server.output()).not.toContain('secret-in-cookie')
  })

  test.each([
    ['an unknown method', 'TRACE', '/', {}, 'method not allowed'],
    ['a method Node does not know', 'FOO', '/', {}, 'method not implemented'],
    ['a malformed address', 'GET', '/%', {}, 'malformed URL'],
    [
      'a cross-site post',
      'POST',
      '/',
      { Origin: 'https://evil.example' },
      'cross-site write refused',
    ],
  ])('%s: one warn line, no stack', async (_, method, path, headers, reason) => {
    const answer = await send(server, method, path, { ...asProxy, ...headers })
    await expect.poll(() => linesFor(server, answer).length).toBe(1)
    expect(linesFor(server, answer)[0]).toMatchObject({ level: 'warn', reason })
    expect(server.output()).not.toMatch(stackTrace)
  })

  test('a POST React Router refuses itself (no action): 405, one line, not an error', async () => {
    const answer = await send(server, 'POST', '/sign-up', { ...asProxy, Origin: PUBLIC })
    expect(answer.status).toBe(405)
    await expect.poll(() => linesFor(server, answer).length).toBe(1)
    expect(linesFor(server, answer)[0]).toMatchObject({ level: 'info', status: 405 })
  })

  test('a garbled Clerk handshake in local mode: signed out, one line, no stack', async () => {
    const answer = await send(server, 'GET', '/?__clerk_handshake=garbage', asProxy)
    expect(answer.status).toBe(302)
    await expect.poll(() => linesFor(server, answer).length).toBe(1)
    expect(server.output()).not.toMatch(stackTrace)
    expect(server.output()).not.toContain('Clerk: unable to resolve handshake')
  })
})

describe('no request makes the server call another host', () => {
  test('hostile tokens and Clerk handshake parameters: signed out, and no outbound request', async () => {
    const own = await startBehindProxy({}, noOutbound)
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const forgedJwt = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: 'user_x' })}.c2ln`
    const hostile: [string, Record<string, string>][] = [
      ['/', { Authorization: 'Bearer ak_0123456789abcdef' }],
      ['/', { Authorization: 'Bearer mt_0123456789abcdef' }],
      ['/', { Authorization: 'Bearer oat_0123456789abcdef' }],
      ['/', { Authorization: 'Bearer not-a-token' }],
      ['/', { Authorization: 'Basic YWRhOnNlY3JldA==' }],
      ['/', { Authorization: `Bearer ${forgedJwt}` }],
      ['/?__clerk_handshake_nonce=0123456789', {}],
      ['/?__clerk_handshake=garbage', {}],
      ['/', { Cookie: '__clerk_handshake_nonce=0123456789; __client_uat=1' }],
      ['/', { Cookie: '__clerk_handshake=garbage' }],
      // Spelled as Clerk still reads them: an encoded query name, a cookie name with a space.
      ['/?%5F%5Fclerk_handshake_nonce=0123456789', {}],
      ['/', { Cookie: '__clerk_handshake_nonce =0123456789; __client_uat=1' }],
    ]
    try {
      for (const [path, headers] of hostile) {
        const answer = await send(own, 'GET', path, { ...asProxy, ...headers })
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(302)
        expect(answer.headers.location).toMatch(/^\/sign-in/)
      }
      expect(own.output()).not.toContain('"outbound"')
      expect(own.output()).not.toMatch(/\n\s+at \S/)
    } finally {
      await own.stop()
    }
  })
})

describe('in Clerk mode, only a page load in Clerk’s own handshake can reach Clerk', () => {
  // Production-format keys for a Clerk instance that does not exist, and CLERK_JWT_KEY, so no
  // session check needs Clerk's key set. Every request to another host is refused and reported.
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const clerkMode = () =>
    startBehindProxy(
      {
        AUTH_MODE: undefined,
        CLERK_PUBLISHABLE_KEY: `pk_live_${Buffer.from('clerk.quotebook.test$').toString('base64')}`,
        CLERK_SECRET_KEY: 'sk_live_quotebook_test_only',
        CLERK_JWT_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      noOutbound,
    )
  const outbound = (target: RunningServer) => target.output().match(/"outbound":"[^"]*"/g) ?? []

  const pageLoad = { 'Sec-Fetch-Dest': 'document', Accept: 'text/html' }
  const fetchRequest = { 'Sec-Fetch-Dest': 'empty', Accept: '*/*' }
  const nonce = '__clerk_handshake_nonce=0123456789abcdef'

  test('what Clerk writes to the console about a request carries its request id', async () => {
    const own = await clerkMode()
    try {
      const answer = await send(
        own,
        'GET',
        '/?__clerk_handshake=garbage',
        { ...asProxy, ...pageLoad },
        '',
      )
      await expect
        .poll(() => own.logLines().filter((line) => line.source === 'console'))
        .not.toEqual([])
      for (const line of own.logLines().filter((line) => line.source === 'console')) {
        expect(line.requestId).toBe(answer.headers['x-request-id'])
      }
    } finally {
      await own.stop()
    }
  })

  test('hostile tokens, and handshake parameters on anything but a page load: no outbound request', async () => {
    const own = await clerkMode()
    try {
      const hostile: [string, string, Record<string, string>][] = [
        ['GET', '/', { Authorization: 'Bearer ak_0123456789abcdef' }],
        ['GET', '/', { Authorization: 'Bearer mt_0123456789abcdef' }],
        ['GET', '/', { Authorization: 'Bearer oat_0123456789abcdef' }],
        ['GET', `/_.data?${nonce}`, fetchRequest],
        // A data request Clerk would take for a page load; no browser sends one.
        ['GET', `/_.data?${nonce}`, { Accept: 'text/html' }],
        ['GET', '/_.data', { Accept: 'text/html', Cookie: nonce }],
        ['GET', `/?${nonce}`, fetchRequest],
        ['GET', `/?${nonce}`, { Accept: 'application/json' }],
        ['GET', '/', { ...fetchRequest, Cookie: `${nonce}; __client_uat=1` }],
        ['GET', '/?__clerk_handshake=garbage', fetchRequest],
        ['GET', '/?%5F%5Fclerk_handshake_nonce=0123456789abcdef', fetchRequest],
        ['GET', '/', { ...fetchRequest, Cookie: '__clerk_handshake_nonce\t=0123456789abcdef' }],
        ['POST', `/edit?${nonce}`, { Origin: PUBLIC, Cookie: nonce }],
        ['POST', '/sign-out', { Origin: PUBLIC, Cookie: nonce }],
      ]
      for (const [method, path, headers] of hostile) {
        const answer = await send(own, method, path, { ...asProxy, ...headers }, '')
        expect(answer.status, `${method} ${path} ${JSON.stringify(headers)}`).toBeLessThan(500)
      }
      expect(outbound(own)).toEqual([])
      expect(own.output()).not.toMatch(/\n\s+at \S/)
    } finally {
      await own.stop()
    }
  })

  test('a page load that returns from Clerk’s handshake still resolves it with Clerk', async () => {
    const own = await clerkMode()
    try {
      // The query (a development instance) and the cookie (a production instance) alike.
      await send(own, 'GET', `/?${nonce}`, { ...asProxy, ...pageLoad })
      await send(own, 'GET', '/', { ...asProxy, ...pageLoad, Cookie: nonce })
      await expect
        .poll(() => outbound(own))
        .toEqual(['"outbound":"https://api.clerk.com"', '"outbound":"https://api.clerk.com"'])
      // A garbled handshake token too. What Clerk logs of the failures (an error, with its
      // stack, on the console) is one JSON line each, without the stack.
      await send(own, 'GET', '/?__clerk_handshake=a.b.c', { ...asProxy, ...pageLoad })
      await expect
        .poll(() => own.logLines().filter((line) => line.source === 'console').length)
        .toBe(3)
      const lines = own.output().trimEnd().split('\n')
      expect(lines.filter((line) => !line.startsWith('{'))).toEqual([])
      expect(own.output()).not.toMatch(/\bat \S+ \(|\\n\s+at /)
    } finally {
      await own.stop()
    }
  })

  test('a page loaded in a frame with a nonce: removed, no outbound request', async () => {
    // A hidden frame on another site would make each of its visitors' browsers send one.
    const own = await clerkMode()
    try {
      await send(own, 'GET', `/?${nonce}`, { ...asProxy, 'Sec-Fetch-Dest': 'iframe' })
      await send(own, 'GET', '/', { ...asProxy, 'Sec-Fetch-Dest': 'iframe', Cookie: nonce })
      expect(outbound(own)).toEqual([])
    } finally {
      await own.stop()
    }
  })
})

describe('start-up in production checks the database the way a page uses it', () => {
  afterAll(async () => {
    const admin = postgres(database.url, { max: 1, onnotice: () => {} })
    try {
      await admin.unsafe(`set session authorization "${new URL(database.url).username}"`)
      const [row] = await admin<{ name: string }[]>`select current_database() as name`
      await admin.unsafe(`revoke connect on database "${row!.name}" from quotebook_stranger`)
      await admin.unsafe('drop role if exists quotebook_stranger')
    } finally {
      await admin.end()
    }
  })

  const asUser = (name: string) => {
    const url = new URL(database.url)
    url.username = name
    return url.toString()
  }

  test('a user that may not connect, then cannot switch to quotebook_app, is refused each time with the grant that fixes it', async () => {
    const owner = postgres(database.url, { max: 1, onnotice: () => {} })
    try {
      await owner.unsafe(`do $$ begin create role quotebook_stranger login;
                          exception when duplicate_object then null; end $$`)
      // The advice, followed as it says (as the role that migrated), lets the server start.
      const follow = async (expected: RegExp) => {
        const start = startBehindProxy({ DATABASE_URL: asUser('quotebook_stranger') })
        const refusal = await start.then(
          async (started) => (await started.stop(), 'started'),
          (error: Error) => error.message,
        )
        expect(refusal).toMatch(/exit 1/)
        expect(refusal).toMatch(expected)
        // The log line's message, as its reader sees it.
        const line = refusal.split('\n').find((text) => text.includes('"level":"error"'))
        const message = line ? (JSON.parse(line) as { message: string }).message : ''
        const grant = /run: (GRANT [^;]*;)/.exec(message)?.[1]
        expect(grant, refusal).toBeDefined()
        // PGlite is one session, whose user is whoever's transport spoke last: be the owner.
        await owner.unsafe(`set session authorization "${new URL(database.url).username}"`)
        await owner.unsafe(grant!)
      }
      // Only the database's owner may connect (migration 00004); PGlite checks no CONNECT.
      if (database.kind === 'postgres') {
        await follow(/quotebook_stranger may not connect to the database/)
      }
      await follow(/switch to the role quotebook_app/)
      const started = await startBehindProxy({ DATABASE_URL: asUser('quotebook_stranger') })
      await started.stop()
      // Taken back, so the tests below see a user that can connect but not switch.
      await owner.unsafe(`set session authorization "${new URL(database.url).username}"`)
      await owner.unsafe('revoke quotebook_app from quotebook_stranger')
    } finally {
      await owner.end()
    }
  })

  test('a database that was never migrated is refused, saying to migrate', async () => {
    const unmigrated = await freshDatabase()
    try {
      const start = startBehindProxy({ DATABASE_URL: unmigrated.url })
      await expect(start).rejects.toThrow(/exit 1/)
      await expect(start).rejects.toThrow(/has not been migrated: run npm run db:migrate/)
    } finally {
      await unmigrated.drop()
    }
  })

  /** A start that must fail: its output, once it has exited 1. */
  const refusedStart = async (env: Record<string, string>) => {
    const outcome = await startBehindProxy(env).then(
      async (started) => (await started.stop(), 'started'),
      (error: Error) => error.message,
    )
    expect(outcome).toMatch(/exit 1/)
    expect(outcome).not.toMatch(stackTrace)
    return outcome
  }

  test('Neon RLS on a database on this machine is refused, in one line, before the database is asked: its tokens are checked by the app, not Neon', async () => {
    // The database's port is closed: the refusal must not wait on an answer from it.
    const down = new URL(authenticatedUrl(database.url))
    down.port = String(await freePort())
    const owner = new URL(down)
    owner.username = new URL(database.url).username
    const output = await refusedStart({
      DATABASE_URL: owner.href,
      DATABASE_AUTHENTICATED_URL: down.href,
    })
    expect(output).toMatch(
      /quotebook: DATABASE_AUTHENTICATED_URL names a database on this machine, .*for development and tests only\./,
    )
  })

  test('Neon RLS on Neon with the local sign-in is refused in one line: Neon cannot know its tokens', async () => {
    const neonUrl = 'postgresql://owner:secret@ep-example-123.eu-central-1.aws.neon.tech/neondb'
    const output = await refusedStart({
      DATABASE_URL: neonUrl,
      DATABASE_AUTHENTICATED_URL: authenticatedUrl(neonUrl),
    })
    expect(output).toMatch(
      /quotebook: DATABASE_AUTHENTICATED_URL names a Neon database, .*every token of the local sign-in\./,
    )
  })

  describe('a database without the policy for `authenticated` (refused in production: token-setup.server.test.ts)', () => {
    let withoutPolicy: FreshDatabase
    beforeAll(async () => {
      withoutPolicy = await freshDatabase()
      await applyMigrations({ databaseUrl: withoutPolicy.url, log: () => {} })
      const owner = postgres(withoutPolicy.url, { max: 1, onnotice: () => {} })
      try {
        await owner.unsafe('drop policy user_messages_token_owner on user_messages')
      } finally {
        await owner.end()
      }
    })
    afterAll(async () => {
      await withoutPolicy?.drop()
    })

    test('outside production, /healthz answers 503 and logs why', async () => {
      const own = await startProductionServer({
        DATABASE_URL: withoutPolicy.url,
        DATABASE_AUTHENTICATED_URL: authenticatedUrl(withoutPolicy.url),
      })
      try {
        const health = await send(own, 'GET', '/healthz')
        expect([health.status, JSON.parse(health.body.toString())]).toEqual([
          503,
          { status: 'unavailable' },
        ])
        await expect
          .poll(() => linesFor(own, health))
          .toContainEqual(
            expect.objectContaining({
              level: 'error',
              message: expect.stringMatching(/no policy for the role authenticated .*sql\/00005/),
            }),
          )
      } finally {
        await own.stop()
      }
    })
  })

  test('/healthz answers 503 when the role switch fails, though the database answers', async () => {
    // NODE_ENV=test skips the start-up check, as a server started before a grant was revoked.
    const own = await startProductionServer({ DATABASE_URL: asUser('quotebook_stranger') })
    try {
      const health = await send(own, 'GET', '/healthz')
      expect([health.status, JSON.parse(health.body.toString())]).toEqual([
        503,
        { status: 'unavailable' },
      ])
      await expect
        .poll(() => linesFor(own, health).map((line) => line.message))
        .toContain('database not ready for the app')
    } finally {
      await own.stop()
    }
  })

  test('a save the database refuses for want of a grant keeps the text: 500, logged as setup', async () => {
    const own = await startProductionServer({ DATABASE_URL: asUser('quotebook_stranger') })
    try {
      const { cookie } = await signIn(fetch, own.url, { email: 'stranger@example.com' })
      const save = await postSave(own, cookie, 'Typed before the grant was lost')
      expect(save.status).toBe(500)
      const html = await save.text()
      expect(html).toMatch(/<textarea[^>]*>Typed before the grant was lost<\/textarea>/)
      expect(html).toContain('your quote may not have been saved')
      expect(html).not.toMatch(/42501|permission denied|quotebook_app/)
      const requestId = save.headers.get('X-Request-Id')
      await expect
        .poll(() =>
          own
            .logLines()
            .filter((line) => line.requestId === requestId)
            .map((line) => line.message),
        )
        .toContain('database not ready for the app')
    } finally {
      await own.stop()
    }
  })

  test('a superuser is accepted with a warning: it could reset the role and bypass RLS', async () => {
    const own = await startBehindProxy({ DATABASE_URL: asUser('postgres') })
    try {
      expect(own.logLines()).toContainEqual(
        expect.objectContaining({ level: 'warn', message: expect.stringMatching(/a superuser/) }),
      )
    } finally {
      await own.stop()
    }
  })

  test('the owner that migrated starts without a warning, and /healthz checks the same', async () => {
    expect(server.logLines().filter((line) => line.level !== 'info' && !line.requestId)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^AUTH_MODE=local/) }),
    ])
    const health = await send(server, 'GET', '/healthz', asProxy)
    expect([health.status, JSON.parse(health.body.toString())]).toEqual([
      200,
      { status: 'ok', rowLevelSecurity: 'app-role' },
    ])
  })
})

describe('shutdown', () => {
  test('SIGTERM lets a save in flight finish with its 303, then exits 0', async () => {
    const own = await startBehindProxy()
    try {
      const { cookie } = await signInBehindProxy(own, 'draining@example.com')
      const body = new URLSearchParams({ quote: 'Finished before the end.' })
      const text = body.toString()
      // The save's headers arrive, and the server asks for the body (100 Continue): the request is
      // in its hands. Then SIGTERM; then the body.
      let finishBody = () => {}
      let handling = () => {}
      const inFlight = new Promise<void>((resolve) => (handling = resolve))
      const answer = new Promise<Answer>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: own.port,
            method: 'POST',
            path: '/edit',
            agent: false,
            headers: {
              ...asProxy,
              Origin: PUBLIC,
              Cookie: cookie,
              'Content-Type': 'application/x-www-form-urlencoded',
              'Content-Length': String(Buffer.byteLength(text)),
              Expect: '100-continue',
            },
          },
          (res) => {
            res.resume()
            res.on('end', () =>
              resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.alloc(0) }),
            )
          },
        )
        req.on('error', reject)
        req.on('continue', () => handling())
        req.flushHeaders()
        finishBody = () => req.end(text)
      })
      await inFlight
      own.process.kill('SIGTERM')
      await expect.poll(() => own.logLines().map((line) => line.message)).toContain('shutting down')
      // While the save is still in flight, new connections are refused.
      await expect(send(own, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/)
      expect(own.process.exitCode).toBeNull()
      finishBody()
      const saved = await answer
      expect(saved.status).toBe(303)
      expect(saved.headers.location).toBe('/')
      expect(saved.headers.connection).toBe('close')
      expect(await own.exited).toBe(0)
      expect(own.logLines().at(-1)?.message).toBe('stopped')
      // And the save was stored: another instance shows it.
      const { cookie: again } = await signInBehindProxy(server, 'draining@example.com')
      const page = await send(server, 'GET', '/', { ...asProxy, Cookie: again })
      expect(page.body.toString()).toContain('Finished before the end.')
    } finally {
      await own.stop()
    }
  })

  test('SIGTERM with an idle keep-alive connection open: exits at once, not after the drain limit', async () => {
    const own = await startProductionServer({ DATABASE_URL: database.url })
    const agent = new Agent({ keepAlive: true })
    try {
      const answer = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: own.port, path: '/favicon.svg', agent },
          (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode!))
          },
        )
        req.on('error', reject)
        req.end()
      })
      expect(answer).toBe(200)
      const started = Date.now()
      own.process.kill('SIGTERM')
      expect(await own.exited).toBe(0)
      expect(Date.now() - started).toBeLessThan(5_000)
    } finally {
      agent.destroy()
      await own.stop()
    }
  })
})

describe('stateless: two instances, one database', () => {
  test('signed in on one is signed in on the other; a quote saved through one shows through the other', async () => {
    // Both instances are configured alike; in local mode that includes the issuer's key (in
    // QUOTEBOOK_DATA_DIR), as Clerk mode shares CLERK_JWT_KEY. Neither keeps anything else.
    const first = await startBehindProxy()
    const second = await startBehindProxy({ QUOTEBOOK_DATA_DIR: first.dataDir })
    try {
      const { cookie } = await signInBehindProxy(first, 'twice@example.com')
      const onSecond = await send(second, 'GET', '/', { ...asProxy, Cookie: cookie })
      expect(onSecond.status).toBe(200)
      expect(onSecond.body.toString()).toContain('Grace Hopper')

      const save = await postForm(first, '/edit', cookie, {
        quote: 'Saved on one, read on the other.',
      })
      expect(save.status).toBe(303)
      const read = await send(second, 'GET', '/', { ...asProxy, Cookie: cookie })
      expect(read.body.toString()).toContain('Saved on one, read on the other.')

      // And the other way round, after the first instance is gone.
      await first.stop()
      const deleted = await postForm(second, '/delete', cookie, {})
      expect(deleted.status).toBe(303)
      const empty = await send(second, 'GET', '/', { ...asProxy, Cookie: cookie })
      expect(empty.body.toString()).not.toContain('Saved on one, read on the other.')
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
