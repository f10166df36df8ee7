import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Page } from '@playwright/test'
import { LOCAL_FRONTEND_API, localUserId } from '../../app/auth/local-identity.server'
import {
  e2eServers,
  rowLevelSecurityEnv,
  type ServerOptions,
  screenshotDir,
} from '../helpers/e2e-servers'
import { type RunningServer, startProductionServer } from '../helpers/production-server'
import { now, sessionToken } from '../helpers/sessions'
import { isLoopback } from '../helpers/loopback.mjs'
import { type Send, signIn as signInAs, uniqueEmail } from '../helpers/users'

export interface TestUser {
  email: string
  name?: string
}

/** A user no other test uses, so tests can run in parallel against one database. */
export const newUser = (name = 'Ada Lovelace'): TestUser => ({ email: uniqueEmail(), name })

/**
 * Requests sent through the page's browser context, so the cookies its answers set are the
 * browser's (redirects not followed).
 */
const throughBrowser =
  (page: Page): Send =>
  async (request) => {
    const answer = await page.request.fetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      data: Buffer.from(await request.arrayBuffer()),
      maxRedirects: 0,
    })
    return new Response(null, {
      status: answer.status(),
      headers: answer.headersArray().map(({ name, value }) => [name, value] as [string, string]),
    })
  }

/**
 * Signs `user` in, in the page's browser context, the way every test signs in (helpers/users):
 * on the run's server, or on the one at `origin`.
 */
export async function signIn(
  page: Page,
  user: TestUser,
  origin = test.info().project.use.baseURL!,
) {
  await signInAs(throughBrowser(page), origin, { email: user.email, name: user.name ?? '' })
}

/**
 * Every page records each request it makes; a test fails if any leaves this machine, or if the
 * page logs an error to its console other than the browser's note of an answer the test expects
 * (`expectedFailures`: a 400, 404 or 409 unless the test says more). `user` is a fresh user,
 * signed in before the test starts. `expireSession` replaces the context's session with one that
 * expired, for the same user, as an hour-old tab has.
 *
 * `rowLevelSecurity`, set by each project, is the mode of the run's server its tests use
 * (playwright.config.ts); `startServer` starts a production server of a test file's own in the
 * same mode.
 */
export const test = base.extend<
  {
    offsiteRequests: string[]
    user: TestUser
    expectedFailures: RegExp
    expireSession: (page: Page, user: TestUser) => Promise<void>
  },
  ServerOptions & {
    startServer: (env: Record<string, string | undefined>) => Promise<RunningServer>
  }
>({
  rowLevelSecurity: ['app-role', { option: true, scope: 'worker' }],
  startServer: [
    async ({ rowLevelSecurity }, use) => {
      await use((env) =>
        startProductionServer({
          ...env,
          ...rowLevelSecurityEnv(rowLevelSecurity, env.DATABASE_URL),
          // Production refuses Neon RLS on a database on this machine (its stand-ins are for
          // development and tests), so in token mode the same server runs as a test one.
          ...(rowLevelSecurity === 'token' ? { NODE_ENV: 'test' } : {}),
        }),
      )
    },
    { scope: 'worker' },
  ],
  expectedFailures: [/status of (400|404|409)/, { option: true }],
  offsiteRequests: [
    async ({ page, expectedFailures }, use) => {
      const offsite: string[] = []
      const consoleErrors: string[] = []
      page.on('request', (request) => {
        const url = new URL(request.url())
        // data: and blob: never leave the browser (Vite's client makes a blob when its server goes).
        const local = url.protocol === 'data:' || url.protocol === 'blob:'
        if (!local && !isLoopback(url.hostname)) offsite.push(request.url())
      })
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text())
      })
      await use(offsite)
      expect(offsite, 'requests to hosts other than this machine').toEqual([])
      expect(
        consoleErrors.filter((text) => !expectedFailures.test(text)),
        'console errors',
      ).toEqual([])
    },
    { auto: true },
  ],
  user: async ({ page }, use) => {
    const user = newUser()
    await signIn(page, user)
    await use(user)
  },
  expireSession: async ({ rowLevelSecurity }, use) => {
    // Signed with the key of the project's server, which each server keeps in its data directory.
    const keyFile = join(e2eServers[rowLevelSecurity].dataDir, 'local-identity.pem')
    await use(async (page, user) => {
      const key = createPrivateKey(readFileSync(keyFile))
      const url = new URL(page.url()).origin
      const { token, payload } = sessionToken(
        key,
        {
          sub: localUserId(user.email),
          iat: now() - 3600,
          nbf: now() - 3610,
          exp: now() - 60,
          azp: url,
        },
        `https://${LOCAL_FRONTEND_API}`,
      )
      await page.context().addCookies([
        { name: '__session', value: token, url },
        { name: '__client_uat', value: String(payload.iat), url },
      ])
    })
  },
})

export { expect }

/** The quote's text field, whether the form is for a new quote, an edit, or a choice after a conflict. */
export const quoteField = (page: Page) =>
  page.getByLabel(/^(Your quote|Edit your quote|Yours, not saved yet)$/)

/**
 * Types `text` into the quote form, submits it with `button`, and waits until the server has
 * confirmed the save: with JavaScript the quote shows at once (optimistically), so seeing it is
 * not yet proof that it was stored.
 */
export async function saveQuote(page: Page, text: string, button = 'Save quote') {
  // As a person would: hydrating sets a prefilled textarea's value again, moving the caret to its
  // end, so a fill that selected the old text during hydration appends to it instead.
  if (base.info().project.use.javaScriptEnabled !== false) await waitForHydration(page)
  await quoteField(page).fill(text)
  await page.getByRole('button', { name: button }).click()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
}

/** Saves `text` from the home page and waits until the page shows it as the saved quote. */
export async function withSavedQuote(page: Page, text: string) {
  await page.goto('/')
  await saveQuote(page, text)
  await expect(page.locator('main blockquote')).toHaveText(text)
}

/** The saved quote as a fresh page view (another tab) shows it, or null (the empty form). */
export async function storedText(page: Page): Promise<string | null> {
  const other = await page.context().newPage()
  await other.goto('/')
  const quote = other.locator('main blockquote')
  const text = (await quote.count()) > 0 ? await quote.first().textContent() : null
  await other.close()
  return text
}

/** Clicks `button` and waits for the save to be confirmed and the quote to be stored as `text`. */
export async function saveAgain(page: Page, button: string, text: string) {
  await page.getByRole('button', { name: button }).click()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  expect(await storedText(page)).toBe(text)
}

/** Waits until the page's JavaScript has taken over (the root sets data-hydrated). */
export async function waitForHydration(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1)
}

/** Keeps a screenshot of the page's current state in tests/.artifacts/screenshots. */
export async function keepScreenshot(page: Page, state: string) {
  const project = base.info().project.name
  await page.screenshot({ path: join(screenshotDir, `${state}-${project}.png`), fullPage: true })
}

/**
 * Axe finds no accessibility violations in the page's current state, in the light theme and in
 * the dark. Axe runs as JavaScript in the page, so the no-js project, whose pages are the same
 * server-rendered HTML, leaves it to the js project.
 */
export async function expectAccessible(page: Page) {
  if (base.info().project.use.javaScriptEnabled === false) return
  const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const results = await new AxeBuilder({ page }).analyze()
    expect(
      results.violations.map(({ id, help, nodes }) => ({
        id,
        help,
        targets: nodes.map((node) => node.target),
      })),
      `axe, ${colorScheme}`,
    ).toEqual([])
  }
  await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' })
}
