import { applyMigrations } from '../../app/db/migrate'
import { type FreshDatabase, freshDatabase } from '../helpers/database'
import { httpsProxy } from '../helpers/https-proxy'
import type { RunningServer } from '../helpers/production-server'
import { freePort } from '../helpers/tcp-proxy'
import { expect, quoteField, saveQuote, test } from './fixtures'

// The production server as a deployment runs it: NODE_ENV=production, behind a proxy that
// terminates TLS. Chromium speaks https to the proxy; the proxy speaks plain http to the server
// with X-Forwarded-Proto: https. APP_URL is the public https origin. Runs in every browser
// project, each with its own server, in the project's mode of row-level security.

test.describe.configure({ mode: 'serial' })
test.use({ ignoreHTTPSErrors: true })

let database: FreshDatabase
let server: RunningServer
let proxy: Awaited<ReturnType<typeof httpsProxy>>

test.beforeAll(async ({ startServer }) => {
  database = await freshDatabase()
  await applyMigrations({ databaseUrl: database.url, log: () => {} })
  const proxyPort = await freePort()
  server = await startServer({
    NODE_ENV: 'production',
    AUTH_MODE: 'local',
    APP_URL: `https://localhost:${proxyPort}`,
    DATABASE_URL: database.url,
  })
  proxy = await httpsProxy(proxyPort, server.port)
})

test.afterAll(async () => {
  await proxy?.close()
  await server?.stop()
  await database?.drop()
})

test('sign in, save, edit, delete and sign out through an https proxy', async ({ page }) => {
  const at = (path: string) => `${proxy.url}${path}`
  await page.goto(at('/'))
  await expect(page).toHaveURL(at('/sign-in?redirect_url=%2F'))
  await page.getByLabel('Email').fill('behind.proxy@example.com')
  await page.getByLabel('Name').fill('Ada Lovelace')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(at('/'))
  await expect(page.getByRole('banner')).toContainText('Signed in as Ada Lovelace')

  const cookies = await page.context().cookies(proxy.url)
  const session = cookies.filter((cookie) => ['__session', '__client_uat'].includes(cookie.name))
  expect(session.map((cookie) => cookie.name).sort()).toEqual(['__client_uat', '__session'])
  for (const cookie of session) expect(cookie.secure, cookie.name).toBe(true)

  await saveQuote(page, 'Saved through a proxy.')
  await expect(page.locator('blockquote')).toHaveText('Saved through a proxy.')

  await page.getByRole('link', { name: 'Edit' }).click()
  await expect(quoteField(page)).toHaveValue('Saved through a proxy.')
  await saveQuote(page, 'Edited through a proxy.', 'Save changes')
  await expect(page.locator('blockquote')).toHaveText('Edited through a proxy.')

  await page.getByRole('link', { name: 'Delete quote' }).click()
  await page.getByRole('button', { name: 'Yes, delete it' }).click()
  await expect(page.getByRole('status')).toHaveText('Your quote was deleted.')
  await expect(page.locator('blockquote')).toHaveCount(0)

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(at('/sign-in'))
  await page.goto(at('/'))
  await expect(page).toHaveURL(at('/sign-in?redirect_url=%2F'))

  // Nothing was refused on the way (a CSRF 400 or a cross-site 403), and nothing logged a stack.
  const statuses = server.logLines().flatMap((line) => (line.status ? [line.status] : []))
  expect(statuses.filter((status) => Number(status) >= 400)).toEqual([])
  expect(server.output()).not.toMatch(/\n\s+at \S/)
})
