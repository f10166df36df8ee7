import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { applyMigrations } from '../../app/db/migrate'
import { type FreshDatabase, freshDatabase } from '../helpers/database'
import { postSave, type RunningServer, startProductionServer } from '../helpers/production-server'
import { signIn } from '../helpers/users'
import { tcpProxy } from '../helpers/tcp-proxy'

// The production server, in its own process, in front of a database (the Postgres server when
// DATABASE_URL is set, else PGlite) reached through a proxy that can swallow traffic, as a
// database that hangs does, or stop listening, as one that was stopped.
const DEADLINE_MS = 1_000

/** A new, migrated database, a proxy in front of it, and the production server behind both. */
async function serverBehindProxy(deadlineMs: number) {
  const database = await freshDatabase()
  await applyMigrations({ databaseUrl: database.url, log: () => {} })
  const proxy = await tcpProxy(Number(new URL(database.url).port))
  const proxied = new URL(database.url)
  proxied.port = String(proxy.port)
  const app = await startProductionServer({
    NODE_ENV: 'production',
    AUTH_MODE: 'local',
    DATABASE_URL: proxied.toString(),
    QUERY_TIMEOUT_MS: String(deadlineMs),
  })
  return { database, proxy, app }
}

let database: FreshDatabase
let proxy: Awaited<ReturnType<typeof tcpProxy>>
let app: RunningServer
let origin: string
const log = () => app.output()
let cookies = ''

beforeAll(async () => {
  ;({ database, proxy, app } = await serverBehindProxy(DEADLINE_MS))
  origin = app.url
  ;({ cookie: cookies } = await signIn(fetch, app.url, { email: 'faults@example.com' }))
})

afterAll(async () => {
  await app?.stop()
  await proxy?.close()
  await database?.drop()
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
    new RegExp(`:(${new URL(database.url).port}|${proxy.port})\\b`),
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
    await proxy.down()
    try {
      const { result: response, ms } = await timed(page())
      expect(response.status).toBe(503)
      expect(ms).toBeLessThan(DEADLINE_MS + 1_000)
      expectNothingLeaked(await response.text())

      const save = await postSave(app, cookies, 'Worth keeping through an outage')
      expect(save.status).toBe(503)
      const html = await save.text()
      expect(html).toMatch(/<textarea[^>]*>Worth keeping through an outage<\/textarea>/)
      expect(html).toContain(
        'Quotebook is temporarily unavailable, so your quote may not have been saved.',
      )
      expect(html).toContain('Save quote')
      expectNothingLeaked(html)
      // The save's lines (the failed save, the page after it that failed too, the request's own)
      // name no method but the request's.
      const saveId = save.headers.get('X-Request-Id')
      const saveLines = () => app.logLines().filter((line) => line.requestId === saveId)
      await expect.poll(() => saveLines().length).toBeGreaterThanOrEqual(3)
      expect(saveLines().filter((line) => 'method' in line && line.method !== 'POST')).toEqual([])
    } finally {
      await proxy.up()
    }
    await expect.poll(async () => (await page()).status, { timeout: 10_000 }).toBe(200)
    expect((await fetch(`${origin}/healthz`)).status).toBe(200)
  })
})

// A network that freezes with a save on it: the database (the Postgres server when DATABASE_URL is
// set, else PGlite) sits behind a proxy that holds every byte, both ways, until it thaws. The
// deadline is long enough that a request running two of them (an action, then the page's loader)
// is told apart from one that runs one.
describe('a save on a network that freezes', () => {
  const FROZEN_DEADLINE_MS = 2_000
  let database: FreshDatabase
  let frozen: Awaited<ReturnType<typeof tcpProxy>>
  let own: RunningServer
  let owner: postgres.Sql

  beforeAll(async () => {
    ;({ database, proxy: frozen, app: own } = await serverBehindProxy(FROZEN_DEADLINE_MS))
    owner = postgres(database.url, { max: 1, onnotice: () => {} })
  })

  afterAll(async () => {
    await own?.stop()
    await frozen?.close()
    await owner?.end()
    await database?.drop()
  })

  async function signedIn(email: string) {
    const { cookie } = await signIn(fetch, own.url, { email })
    // A page first, so the save finds a connection already open, as on a running server.
    expect((await fetch(`${own.url}/`, { headers: { Cookie: cookie } })).status).toBe(200)
    return cookie
  }

  const save = (cookie: string, quote: string) => postSave(own, cookie, quote)

  const rowsWith = async (quote: string) =>
    (await owner`select count(*)::int as n from user_messages where message = ${quote}`)[0]!.n

  /** The answer to a save made while frozen, and the row after the network thaws. */
  async function frozenSave(email: string, quote: string, freeze: () => void) {
    const cookie = await signedIn(email)
    freeze()
    try {
      const { result: response, ms } = await timed(save(cookie, quote))
      const html = await response.text()
      // Whether the network was frozen by then (holdAfter freezes it only once its bytes pass).
      const frozenWhenAnswered = frozen.mode === 'hold'
      return { response, ms, html, cookie, frozenWhenAnswered }
    } finally {
      frozen.setMode('forward')
      // Long past the deadline: whatever the database was sent has arrived and run by now.
      await new Promise((resolve) => setTimeout(resolve, 2 * FROZEN_DEADLINE_MS))
    }
  }

  test('frozen before the save leaves: 503 within one deadline, the text kept, no row', async () => {
    const quote = 'Held at the border'
    const { response, ms, html, cookie } = await frozenSave('held@example.com', quote, () =>
      frozen.setMode('hold'),
    )
    expect(response.status).toBe(503)
    // It waited for the deadline, once: the action's query and the page's after it share it
    // (with one deadline each, it took twice as long).
    expect(ms).toBeGreaterThanOrEqual(FROZEN_DEADLINE_MS - 50)
    expect(ms).toBeLessThan(FROZEN_DEADLINE_MS + 1_000)
    expect(html).toMatch(new RegExp(`<textarea[^>]*>${quote}</textarea>`))
    expect(html).toContain(
      'your quote may not have been saved. Your text is still here: save it again in a moment',
    )
    expectNothingLeaked(html)
    expect(await rowsWith(quote)).toBe(0)
    const page = await fetch(`${own.url}/`, { headers: { Cookie: cookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain(quote)
  })

  test('frozen after the insert ran, before COMMIT: 503, and the row is never written', async () => {
    const quote = 'Inserted but never committed'
    // The insert reaches the database and runs inside the transaction (postgres.js sends its
    // Parse, then its Bind/Execute/Sync); its answer, and so the COMMIT after it, are held.
    const { response, ms, html, frozenWhenAnswered } = await frozenSave(
      'midway@example.com',
      quote,
      () => frozen.holdAfter('insert into user_messages', 1),
    )
    expect(frozenWhenAnswered).toBe(true) // the insert went through, then the network froze
    expect(response.status).toBe(503)
    expect(ms).toBeGreaterThanOrEqual(FROZEN_DEADLINE_MS - 50)
    expect(ms).toBeLessThan(FROZEN_DEADLINE_MS + 1_000)
    expect(html).toMatch(new RegExp(`<textarea[^>]*>${quote}</textarea>`))
    expect(await rowsWith(quote)).toBe(0)
    // The server recovers: a save after the thaw commits.
    const cookie = await signedIn('midway@example.com')
    expect((await save(cookie, quote)).status).toBe(303)
    expect(await rowsWith(quote)).toBe(1)
  })
})

describe('shutdown while the database hangs', () => {
  test('saves cut off at the drain limit each end with a log line', async () => {
    const stalled = await serverBehindProxy(60_000)
    try {
      const { cookie } = await signIn(fetch, stalled.app.url, { email: 'cut-off@example.com' })
      stalled.proxy.setMode('blackhole')
      const saves = [1, 2, 3].map((n) =>
        postSave(stalled.app, cookie, `Cut off ${n}`).catch(() => null),
      )
      // Each reaches the database, where it waits.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      stalled.app.process.kill('SIGTERM')
      expect(await stalled.app.exited).toBe(0)
      await Promise.all(saves)
      const cut = stalled.app
        .logLines()
        .filter((line) => line.method === 'POST' && line.reason === 'cut off at shutdown')
      expect(cut).toHaveLength(3)
      expect(stalled.app.logLines().at(-1)?.message).toBe('stopped')
    } finally {
      await stalled.app.stop()
      await stalled.proxy.close()
      await stalled.database.drop()
    }
  }, 40_000)
})
