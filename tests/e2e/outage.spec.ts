import { applyMigrations } from '../../app/db/migrate'
import { type FreshDatabase, freshDatabase } from '../helpers/database'
import type { RunningServer } from '../helpers/production-server'
import { tcpProxy } from '../helpers/tcp-proxy'
import {
  expect,
  expectAccessible,
  newUser,
  quoteField,
  saveQuote,
  signIn,
  test,
  waitForHydration,
} from './fixtures'

// The production server of this file's own (in the project's mode of row-level security), on a
// database behind a proxy that can stop, as a database server that went away: the 503 page must
// keep the typed text and offer the save again, once, without a link that would throw the text
// away.

// The browser notes each 503 in the console; they are what this file is about (and a 404, the
// page a move starts from).
test.use({ expectedFailures: /status of (503|404)/ })

let database: FreshDatabase
let proxy: Awaited<ReturnType<typeof tcpProxy>>
let server: RunningServer

test.beforeAll(async ({ startServer }) => {
  database = await freshDatabase()
  await applyMigrations({ databaseUrl: database.url, log: () => {} })
  proxy = await tcpProxy(Number(new URL(database.url).port))
  const proxied = new URL(database.url)
  proxied.port = String(proxy.port)
  server = await startServer({
    NODE_ENV: 'production',
    AUTH_MODE: 'local',
    DATABASE_URL: proxied.toString(),
    QUERY_TIMEOUT_MS: '1000',
  })
})

test.afterAll(async () => {
  await server?.stop()
  await proxy?.close()
  await database?.drop()
})

test('a save while the database is down keeps the text, says so once, and saves once it is back', async ({
  page,
}) => {
  await signIn(page, newUser('Outage Olga'), server.url)
  await page.goto(`${server.url}/`)
  const message = 'Quotebook is temporarily unavailable, so your quote may not have been saved.'
  await quoteField(page).fill('Written during the outage')
  await proxy.down()
  try {
    await page.getByRole('button', { name: 'Save quote' }).click()
    await expect(page.getByText(message)).toHaveCount(1)
    await expect(quoteField(page)).toHaveValue('Written during the outage')
    // A plain "Try again" link would reload the page and throw the text away.
    await expect(page.getByRole('link', { name: 'Try again' })).toHaveCount(0)
    await expect(page.getByRole('banner')).toBeVisible()
    expect(await page.locator('title').count()).toBe(1)
    await expectAccessible(page)
  } finally {
    await proxy.up()
  }
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  await expect(page.locator('main blockquote')).toHaveText('Written during the outage')
})

test('an edit refused while the database is down stays an edit, and says what to do', async ({
  page,
}) => {
  await signIn(page, newUser('Outage Edna'), server.url)
  await page.goto(`${server.url}/`)
  await saveQuote(page, 'Before the outage')
  await page.goto(`${server.url}/edit`)
  await quoteField(page).fill('Edited during the outage')
  await proxy.down()
  try {
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.getByText('your quote may not have been saved')).toHaveCount(1)
    await expect(page.getByText(/Check it/)).toHaveCount(0)
    await expect(page.getByText(/save it again in a moment/)).toHaveCount(1)
    await expect(page.getByLabel('Edit your quote')).toHaveValue('Edited during the outage')
    await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible()
  } finally {
    await proxy.up()
  }
})

test('a page view while the database is down: the 503 page, with a way to try again', async ({
  page,
}) => {
  await signIn(page, newUser('Outage Otto'), server.url)
  await proxy.down()
  try {
    const response = await page.goto(`${server.url}/`)
    expect(response?.status()).toBe(503)
    await expect(page.getByRole('heading', { name: 'Temporarily unavailable' })).toBeVisible()
    // On `/`, trying again and going back are one link.
    await expect(page.getByRole('link', { name: 'Try again' })).toHaveAttribute('href', '/')
    await expect(page.getByRole('link', { name: 'Back to Quotebook' })).toHaveCount(0)
    await expect(page.getByRole('banner')).toBeVisible()
    expect(await page.locator('title').count()).toBe(1)
    await expect(page).toHaveTitle('Temporarily unavailable · Quotebook')
    await expectAccessible(page)
    // Elsewhere, "Try again" asks for that address again, and "Back" leads home.
    expect((await page.goto(`${server.url}/edit`))?.status()).toBe(503)
    await expect(page.getByRole('link', { name: 'Try again' })).toHaveAttribute('href', '/edit')
    await expect(page.getByRole('link', { name: 'Back to Quotebook' })).toHaveAttribute('href', '/')
  } finally {
    await proxy.up()
  }
})

test('the 503 page names the request that failed, after a move in the browser too', async ({
  page,
  javaScriptEnabled,
}) => {
  await signIn(page, newUser('Outage Ona'), server.url)
  // A page whose own request id differs from the one that will fail.
  await page.goto(`${server.url}/no-such-page`)
  if (javaScriptEnabled) await waitForHydration(page)
  await proxy.down()
  try {
    // With JavaScript the move asks for the quote's data (`/_.data`); without, for the page.
    const failed = page.waitForResponse((answer) =>
      ['/', '/_.data'].includes(new URL(answer.url()).pathname),
    )
    await page.getByRole('banner').getByRole('link', { name: 'Quotebook' }).click()
    const id = (await failed).headers()['x-request-id']
    await expect(page.getByRole('heading', { name: 'Temporarily unavailable' })).toBeVisible()
    await expect(page.getByTestId('request-id')).toHaveText(id!)
  } finally {
    await proxy.up()
  }
})
