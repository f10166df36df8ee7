import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, newUser, quoteField, saveQuote, signIn, test, waitForHydration } from './fixtures'
import { rowLevelSecurityEnv } from '../helpers/e2e-servers'
import { freePort } from '../helpers/tcp-proxy'

// A newcomer's first minutes: `npm run dev` on a fresh clone, with no dependency cache and no
// data, in a browser with JavaScript on. Vite must not reload the page under them: a reload
// empties the form they are typing in. `--force` makes Vite start as if node_modules/.vite were
// empty; the embedded database starts in a new directory. Runs once, in the "dev" project.

// One dev server for the file's tests, in order, in one worker.
test.describe.configure({ mode: 'default' })

const root = fileURLToPath(new URL('../..', import.meta.url))
let server: ChildProcess
let origin: string
let output = ''
let dataDir: string

test.beforeAll(async () => {
  test.setTimeout(120_000)
  const port = await freePort()
  origin = `http://127.0.0.1:${port}`
  dataDir = mkdtempSync(join(tmpdir(), 'quotebook-dev-'))
  server = startDev(port, { options: ['--force'] })
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  await expect.poll(() => output, { timeout: 90_000 }).toContain(`${port}/`)
})

/**
 * `npm run dev` on `port`, on this file's data directory unless `dataDir` says otherwise, with
 * `env` added to the environment.
 */
function startDev(
  port: number,
  {
    options = [],
    env = {},
    dataDir: data = dataDir,
  }: { options?: string[]; env?: Record<string, string>; dataDir?: string } = {},
) {
  // As on a fresh machine: no database, no Clerk keys, only what `npm run dev` needs to run.
  const {
    DATABASE_URL: _,
    MIGRATION_DATABASE_URL: __,
    FORCE_COLOR: ___,
    ...inherited
  } = process.env
  return spawn(
    'npm',
    ['run', 'dev', '--', ...options, '--strictPort', '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: root,
      env: {
        ...inherited,
        ...env,
        NODE_ENV: 'development',
        QUOTEBOOK_DATA_DIR: data,
        NO_COLOR: '1',
      },
      detached: true,
    },
  )
}

test.afterAll(() => {
  // The whole group: npm, and the dev server it started (unless a test stopped it already).
  try {
    if (server?.pid) process.kill(-server.pid, 'SIGTERM')
  } catch {
    // Gone already.
  }
  rmSync(dataDir, { recursive: true, force: true })
})

test('a cold `npm run dev` never reloads the page under a newcomer typing', async ({ page }) => {
  test.setTimeout(120_000)
  // Signed in through the page itself, not the shared fixture: loading the sign-in page is part
  // of what a cold start must survive.
  await page.goto(`${origin}/`)
  await expect(page).toHaveURL(/\/sign-in/)
  await waitForHydration(page)
  await page.getByLabel('Email').fill(newUser().email)
  await page.locator('main').getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Save quote' })).toBeVisible()
  await waitForHydration(page)
  // A reload makes a new window object; this mark is gone after one.
  await page.evaluate(() => Object.assign(window, { sameDocument: true }))
  const sameDocument = () => page.evaluate(() => 'sameDocument' in window)

  // The newcomer's first tries: an empty quote, then one too long; each refusal keeps the text.
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByText('Write a quote before saving.')).toBeVisible()
  const tooLong = 'x'.repeat(501)
  await quoteField(page).fill(tooLong)
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByText(/at most 500 characters/)).toBeVisible()
  await expect(quoteField(page)).toHaveValue(tooLong)

  // Then a quote that saves, the delete confirmation, and the first visit to the edit view.
  await quoteField(page).fill('Typed on a cold start')
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  await page.getByRole('link', { name: 'Delete quote' }).click()
  await page.getByRole('link', { name: 'Keep it' }).click()
  await page.getByRole('link', { name: 'Edit' }).click()
  await quoteField(page).fill('Edited on a cold start')

  // Vite rebundles a dependency it discovers late, then reloads every page: give it the time it
  // takes, then the edit must still be in front of the user, on the same page.
  await page.waitForTimeout(5_000)
  await expect(quoteField(page)).toHaveValue('Edited on a cold start')
  expect(await sameDocument(), 'the page was reloaded').toBe(true)
  expect(output).not.toMatch(/optimized dependencies changed|page reload/)
})

test('`npm run dev` answers /sign-in with the headers the production server answers it with', async ({
  baseURL,
}) => {
  // The same server answers both; production (Playwright's web server, NODE_ENV=test) adds HSTS
  // only when NODE_ENV is production, and the CSP of development allows Vite's hot reload.
  const signIn = (at: string) => fetch(`${at}/sign-in`, { redirect: 'manual' })
  const [dev, production] = [await signIn(origin), await signIn(baseURL!)]
  const names = (response: Response) =>
    [...response.headers.keys()].filter((name) => name !== 'strict-transport-security').sort()
  expect(dev.status).toBe(200)
  expect(production.status).toBe(200)
  expect(names(dev)).toEqual(names(production))
  expect(dev.headers.get('Cache-Control')).toBe('private, no-store')
  expect(production.headers.get('Cache-Control')).toBe('private, no-store')
  const directives = (response: Response) =>
    response.headers
      .get('Content-Security-Policy')!
      .split('; ')
      .map((directive) => directive.split(' ')[0])
  expect(directives(dev)).toEqual(directives(production))
  expect(dev.headers.get('Content-Security-Policy')).toMatch(/connect-src 'self' ws:/)
})

test('`npm run dev` refuses an upgrade Vite does not take, and serves no test output or database file as source', async ({
  request,
}) => {
  const port = Number(new URL(origin).port)
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setTimeout(5_000, () => reject(new Error(`no answer: ${received}`)))
    socket.on('data', (chunk) => (received += chunk))
    socket.once('close', () => resolve(received))
    socket.write(
      'GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    )
  })
  expect(answer).toMatch(/^HTTP\/1\.1 400 /)
  // Files Vite would otherwise serve to any client of the dev server, as source (`?raw`).
  mkdirSync(join(root, 'tests/.artifacts'), { recursive: true })
  writeFileSync(join(root, 'tests/.artifacts/not-served.txt'), 'test output')
  const served = await request.get(`${origin}/tests/.artifacts/not-served.txt?raw`)
  expect(served.status()).toBe(403)
})

test('with JavaScript off, Back after signing out on `npm run dev` does not show the signed-in page', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  await signIn(page, newUser('Dev Back'), origin)
  await page.goto(`${origin}/`)
  await expect(page.getByRole('banner')).toContainText('Signed in as Dev Back')
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(`${origin}/sign-in`)
  await page.goBack()
  // Asked of the server again, which sends the signed-out browser to sign in.
  await expect(page).toHaveURL(`${origin}/sign-in?redirect_url=%2F`)
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await expect(page.getByText('Dev Back')).toHaveCount(0)
  await context.close()
})

// The second server must not touch the first one's files before it gives up.
test('a second `npm run dev` on the same data refuses to start, and says why', async () => {
  test.setTimeout(120_000)
  const port = await freePort()
  const second = startDev(port)
  let said = ''
  try {
    const outcome = await new Promise<string>((resolve) => {
      second.on('exit', (code) => resolve(`exited with ${code}`))
      const listen = (chunk: Buffer) => {
        said += chunk
        if (said.includes(`${port}/`)) resolve('listening')
      }
      second.stdout!.on('data', listen)
      second.stderr!.on('data', listen)
    })
    expect(outcome).toMatch(/^exited with [1-9]/)
    expect(said).toMatch(/quotebook: The embedded database in .* is in use by process \d+\./)
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow()
  } finally {
    if (second.exitCode === null && second.pid) process.kill(-second.pid, 'SIGTERM')
  }
  // The first still answers.
  expect((await fetch(`${origin}/sign-in`)).status).toBe(200)
})

// After every test that uses the file's dev server, since it stops it.
test('Ctrl-C with a page open stops `npm run dev`, the embedded database closed', async ({
  page,
}) => {
  // An open page holds Vite's hot-reload WebSocket, which the server must not wait on.
  await page.goto(`${origin}/sign-in`)
  await waitForHydration(page)
  process.kill(-server.pid!, 'SIGINT')
  await expect.poll(() => output, { timeout: 20_000 }).toContain('"message":"stopped"')
})

// Token mode in development: a server and data directory of its own, started once the file's
// server has stopped.
test('`npm run dev` with DATABASE_AUTHENTICATED_URL signs a user in and saves their quote', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const port = await freePort()
  const at = `http://127.0.0.1:${port}`
  const data = mkdtempSync(join(tmpdir(), 'quotebook-dev-token-'))
  // The embedded database, or the Postgres server (its database migrated) the suite runs on.
  const databaseUrl = process.env.DATABASE_URL
  const dev = startDev(port, {
    dataDir: data,
    env: {
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...rowLevelSecurityEnv('token', databaseUrl),
    },
  })
  const exited = new Promise((resolve) => dev.once('exit', resolve))
  let said = ''
  dev.stdout!.on('data', (chunk: Buffer) => (said += chunk))
  dev.stderr!.on('data', (chunk: Buffer) => (said += chunk))
  try {
    await expect.poll(() => said, { timeout: 90_000 }).toContain(`${port}/`)
    await signIn(page, newUser('Token Tess'), at)
    await page.goto(`${at}/`)
    await saveQuote(page, 'Saved as the authenticated role')
    await expect(page.locator('main blockquote')).toHaveText('Saved as the authenticated role')
    const health = await fetch(`${at}/healthz`)
    expect(await health.json()).toEqual({ status: 'ok', rowLevelSecurity: 'token' })
  } finally {
    if (dev.exitCode === null && dev.pid) process.kill(-dev.pid, 'SIGTERM')
    await exited
    rmSync(data, { recursive: true, force: true })
    // Its log, for a failure after it started (the report lists attachments of failed tests).
    await test.info().attach('npm run dev', { body: said, contentType: 'text/plain' })
  }
})
