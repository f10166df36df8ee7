import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { applyMigrations } from '../../app/db/migrate'
import { setCookies } from '../helpers/app'
import { type RunningServer, startProductionServer } from '../helpers/production-server'
import { freePort, tcpProxy } from '../helpers/tcp-proxy'

// The production server, in its own process, in front of a database this test stops and starts:
// an embedded PGlite served on a fixed port, reached through a proxy that can also swallow
// traffic, as a database that hangs does.
const DEADLINE_MS = 1_000

let db: PGlite
let dbServer: PGLiteSocketServer
let dbPort: number
let proxy: Awaited<ReturnType<typeof tcpProxy>>
let app: RunningServer
let origin: string
const log = () => app.output()
let cookies = ''

async function startDatabaseServer() {
  dbServer = new PGLiteSocketServer({ db, host: '127.0.0.1', port: dbPort, maxConnections: 8 })
  await dbServer.start()
}

beforeAll(async () => {
  db = await PGlite.create()
  dbPort = await freePort()
  await startDatabaseServer()
  await applyMigrations({
    databaseUrl: `postgresql://postgres@127.0.0.1:${dbPort}/postgres?max=1`,
    log: () => {},
  })
  proxy = await tcpProxy(dbPort)
  app = await startProductionServer({
    NODE_ENV: 'production',
    AUTH_MODE: 'local',
    DATABASE_URL: `postgresql://postgres@127.0.0.1:${proxy.port}/postgres?max=1`,
    QUERY_TIMEOUT_MS: String(DEADLINE_MS),
  })
  origin = app.url

  const signIn = await fetch(`${origin}/sign-in`, {
    method: 'POST',
    body: new URLSearchParams({ email: 'faults@example.com', name: 'Fault Tolerant' }),
    redirect: 'manual',
  })
  expect(signIn.status).toBe(303)
  cookies = [...setCookies(signIn)].map(([name, { value }]) => `${name}=${value}`).join('; ')
})

afterAll(async () => {
  await app?.stop()
  await proxy?.close()
  await dbServer?.stop()
  await db?.close()
})

const page = (path = '/') =>
  fetch(`${origin}${path}`, { headers: { Cookie: cookies }, redirect: 'manual' })

async function timed<T>(work: Promise<T>) {
  const started = performance.now()
  const result = await work
  return { result, ms: performance.now() - started }
}

/** Nothing of the failure's insides may reach the page: no driver, SQL, stack or address. */
function expectNothingLeaked(html: string) {
  for (const leak of [
    /NeonDbError/,
    /Error connecting to database/,
    /select |insert into|user_messages/i,
    /\n\s+at /,
    /ECONNREFUSED|ECONNRESET|AbortError|TimeoutError/,
    /postgres(ql)?:\/\//,
    new RegExp(`:(${dbPort}|${proxy.port})\\b`),
  ]) {
    expect(html).not.toMatch(leak)
  }
}

describe('the production server when the database fails', () => {
  test('serves the page while the database answers, with HSTS', async () => {
    const response = await page()
    expect(response.status).toBe(200)
    expect(response.headers.get('Strict-Transport-Security')).toBe(
      'max-age=31536000; includeSubDomains',
    )
  })

  test('a database that stops answering: 503 within the deadline plus a second', async () => {
    proxy.setMode('blackhole')
    try {
      const { result: response, ms } = await timed(page())
      expect(response.status).toBe(503)
      expect(ms).toBeLessThan(DEADLINE_MS + 1_000)
      const html = await response.text()
      expect(html).toContain('Quotebook is temporarily unavailable')
      const requestId = response.headers.get('X-Request-Id')!
      expect(html).toContain(requestId)
      expectNothingLeaked(html)
      // The log has what the page does not: the error, under the same request id.
      await expect.poll(log).toContain(`"requestId":"${requestId}"`)
      expect(log()).toMatch(/"message":"database unavailable"/)

      const { result: health, ms: healthMs } = await timed(fetch(`${origin}/healthz`))
      expect(health.status).toBe(503)
      expect(healthMs).toBeLessThan(DEADLINE_MS + 1_000)
      expect(await health.text()).toBe('{"status":"unavailable"}')

      // Routes that need no database go on serving.
      expect((await fetch(`${origin}/sign-in`)).status).toBe(200)
    } finally {
      proxy.setMode('forward')
    }
  })

  test('a database that is stopped: 503, the typed text kept, and recovery once it is back', async () => {
    await dbServer.stop()
    try {
      const { result: response, ms } = await timed(page())
      expect(response.status).toBe(503)
      expect(ms).toBeLessThan(DEADLINE_MS + 1_000)
      expectNothingLeaked(await response.text())

      const save = await fetch(`${origin}/?index`, {
        method: 'POST',
        headers: { Cookie: cookies },
        body: new URLSearchParams({ intent: 'save', quote: 'Worth keeping through an outage' }),
        redirect: 'manual',
      })
      expect(save.status).toBe(503)
      const html = await save.text()
      expect(html).toMatch(/<textarea[^>]*>Worth keeping through an outage<\/textarea>/)
      expect(html).toContain('Quotebook is temporarily unavailable. Try again in a moment.')
      expect(html).toContain('Save Quote')
      expectNothingLeaked(html)
    } finally {
      await startDatabaseServer()
    }
    await expect.poll(async () => (await page()).status, { timeout: 10_000 }).toBe(200)
    expect((await fetch(`${origin}/healthz`)).status).toBe(200)
  })
})
