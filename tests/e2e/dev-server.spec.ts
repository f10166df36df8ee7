import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, newUser, quoteField, test, waitForHydration } from './fixtures'
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
  // As on a fresh machine: no database, no Clerk keys, only what `npm run dev` needs to run.
  const {
    DATABASE_URL: _,
    MIGRATION_DATABASE_URL: __,
    FORCE_COLOR: ___,
    ...inherited
  } = process.env
  server = spawn(
    'npm',
    ['run', 'dev', '--', '--force', '--strictPort', '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: root,
      env: { ...inherited, NODE_ENV: 'development', QUOTEBOOK_DATA_DIR: dataDir, NO_COLOR: '1' },
      detached: true,
    },
  )
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  await expect.poll(() => output, { timeout: 90_000 }).toContain(`${port}/`)
})

test.afterAll(() => {
  // The whole group: npm, and the dev server it started.
  if (server?.pid) process.kill(-server.pid, 'SIGTERM')
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
