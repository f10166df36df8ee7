import { readdirSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { gunzipSync, brotliDecompressSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { applyMigrations } from '../../app/db/migrate'
import { type FreshDatabase, freshDatabase } from '../helpers/database'
import { type RunningServer, startProductionServer } from '../helpers/production-server'

// The built production server (`npm start`), in its own process, in production mode, as a
// deployment runs it: behind a proxy that terminates TLS, with APP_URL the public origin.
const PUBLIC = 'https://qb.example.test'

let database: FreshDatabase
let server: RunningServer

beforeAll(async () => {
  database = await freshDatabase()
  await applyMigrations({ databaseUrl: database.url, log: () => {} })
  server = await startProductionServer({
    NODE_ENV: 'production',
    AUTH_MODE: 'local',
    APP_URL: PUBLIC,
    DATABASE_URL: database.url,
  })
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

async function signIn(target: RunningServer, email: string) {
  const answer = await postForm(target, '/sign-in', '', { email, name: 'Grace Hopper' })
  expect(answer.status).toBe(303)
  const cookies = (answer.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]!)
  return { answer, cookie: cookies.join('; ') }
}

describe('behind a proxy, the public origin is APP_URL', () => {
  test('a form posted from the public https origin signs in, with Secure cookies', async () => {
    const { answer } = await signIn(server, 'proxy@example.com')
    const cookies = answer.headers['set-cookie'] ?? []
    expect(cookies.map((cookie) => cookie.split('=')[0])).toEqual(['__session', '__client_uat'])
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure/)
    expectAppHeaders(answer.headers)
  })

  test('a Host header naming another site changes nothing: redirects stay on APP_URL', async () => {
    const answer = await send(server, 'GET', '/', { Host: 'evil.example' })
    expect(answer.status).toBe(302)
    expect(answer.headers.location).toBe('/sign-in?redirect_url=%2F')
    const post = await send(
      server,
      'POST',
      '/sign-in',
      { Host: 'evil.example', Origin: 'https://evil.example' },
      'email=mallory%40example.com',
    )
    expect(post.status).toBe(403)
  })

  test('a session made for the public origin is accepted on the next request', async () => {
    const { cookie } = await signIn(server, 'returning@example.com')
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

  test('a malformed address (GET /%): 400', async () => {
    const answer = await send(server, 'GET', '/%', asProxy)
    expect(answer.status).toBe(400)
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

  test('the same origin over http, when the public origin is https: 403', async () => {
    const answer = await send(server, 'POST', '/sign-in', {
      ...asProxy,
      Origin: 'http://qb.example.test',
    })
    expect(answer.status).toBe(403)
  })

  test('a page, a redirect and a 404 from React Router', async () => {
    for (const path of ['/sign-in', '/', '/no/such/page']) {
      const answer = await send(server, 'GET', path, asProxy)
      expect([200, 302, 404]).toContain(answer.status)
      expectAppHeaders(answer.headers)
    }
  })

  test('a request Node cannot parse: 400 with the app’s headers', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write('GET /\u0001 HTTP/1.1\r\nHost: qb.example.test\r\n\r\n')
      })
      let text = ''
      socket.on('data', (chunk) => (text += chunk))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
    expect(raw).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/)
    expect(raw).toMatch(/\r\nContent-Security-Policy: /)
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

  test('a garbled Clerk handshake in local mode: signed out, one line, no stack', async () => {
    const answer = await send(server, 'GET', '/?__clerk_handshake=garbage', asProxy)
    expect(answer.status).toBe(302)
    await expect.poll(() => linesFor(server, answer).length).toBe(1)
    expect(server.output()).not.toMatch(stackTrace)
    expect(server.output()).not.toContain('Clerk: unable to resolve handshake')
  })
})

describe('shutdown', () => {
  test('SIGTERM lets a save in flight finish with its 303, then exits 0', async () => {
    const own = await startProductionServer({
      NODE_ENV: 'production',
      AUTH_MODE: 'local',
      APP_URL: PUBLIC,
      DATABASE_URL: database.url,
    })
    try {
      const { cookie } = await signIn(own, 'draining@example.com')
      const body = new URLSearchParams({ intent: 'save', quote: 'Finished before the end.' })
      const text = body.toString()
      // The save's headers and half its body arrive; then SIGTERM; then the rest of the body.
      const answer = new Promise<Answer>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: own.port,
            method: 'POST',
            path: '/?index',
            agent: false,
            headers: {
              ...asProxy,
              Origin: PUBLIC,
              Cookie: cookie,
              'Content-Type': 'application/x-www-form-urlencoded',
              'Content-Length': String(Buffer.byteLength(text)),
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
        req.write(text.slice(0, 10))
        setTimeout(() => {
          own.process.kill('SIGTERM')
          setTimeout(() => req.end(text.slice(10)), 500)
        }, 200)
      })
      const saved = await answer
      expect(saved.status).toBe(303)
      expect(saved.headers.location).toBe('/')
      expect(saved.headers.connection).toBe('close')
      expect(await own.exited).toBe(0)
      const messages = own.logLines().map((line) => line.message)
      expect(messages).toContain('shutting down')
      expect(messages.at(-1)).toBe('stopped')
      // New connections were refused once SIGTERM arrived.
      await expect(send(own, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/)
      // And the save was stored: another instance shows it.
      const { cookie: again } = await signIn(server, 'draining@example.com')
      const page = await send(server, 'GET', '/', { ...asProxy, Cookie: again })
      expect(page.body.toString()).toContain('Finished before the end.')
    } finally {
      await own.stop()
    }
  })
})

describe('stateless: two instances, one database', () => {
  test('signed in on one is signed in on the other; a quote saved through one shows through the other', async () => {
    // Both instances are configured alike; in local mode that includes the issuer's key (in
    // QUOTEBOOK_DATA_DIR), as Clerk mode shares CLERK_JWT_KEY. Neither keeps anything else.
    const shared = {
      NODE_ENV: 'production',
      AUTH_MODE: 'local',
      APP_URL: PUBLIC,
      DATABASE_URL: database.url,
    }
    const first = await startProductionServer(shared)
    const second = await startProductionServer({
      ...shared,
      QUOTEBOOK_DATA_DIR: first.dataDir,
    })
    try {
      const { cookie } = await signIn(first, 'twice@example.com')
      const onSecond = await send(second, 'GET', '/', { ...asProxy, Cookie: cookie })
      expect(onSecond.status).toBe(200)
      expect(onSecond.body.toString()).toContain('Grace Hopper')

      const save = await postForm(first, '/?index', cookie, {
        intent: 'save',
        quote: 'Saved on one, read on the other.',
      })
      expect(save.status).toBe(303)
      const read = await send(second, 'GET', '/', { ...asProxy, Cookie: cookie })
      expect(read.body.toString()).toContain('Saved on one, read on the other.')

      // And the other way round, after the first instance is gone.
      await first.stop()
      const deleted = await postForm(second, '/?index', cookie, { intent: 'delete' })
      expect(deleted.status).toBe(303)
      const empty = await send(second, 'GET', '/', { ...asProxy, Cookie: cookie })
      expect(empty.body.toString()).not.toContain('Saved on one, read on the other.')
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
