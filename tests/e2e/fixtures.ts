import { test as base, expect, type Page } from '@playwright/test'

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]'])

export interface TestUser {
  email: string
  name?: string
}

let users = 0
/** A user no other test uses, so tests can run in parallel against one database. */
export function newUser(name = 'Ada Lovelace'): TestUser {
  users += 1
  return { email: `user-${process.pid}-${Date.now()}-${users}@example.com`, name }
}

/** Signs `user` in, in the page's browser context, through the local sign-in endpoint. */
export async function signIn(page: Page, user: TestUser) {
  const response = await page.request.post('/sign-in', {
    form: { email: user.email, name: user.name ?? '' },
    maxRedirects: 0,
  })
  expect(response.status(), 'local sign-in').toBe(303)
}

/**
 * Every page records each request it makes; a test fails if any leaves this machine, or if the
 * page logs an error to its console. `user` is a fresh user, signed in before the test starts.
 */
export const test = base.extend<{ offsiteRequests: string[]; user: TestUser }>({
  offsiteRequests: [
    async ({ page }, use) => {
      const offsite: string[] = []
      const consoleErrors: string[] = []
      page.on('request', (request) => {
        const url = new URL(request.url())
        if (url.protocol !== 'data:' && !loopback.has(url.hostname)) offsite.push(request.url())
      })
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text())
      })
      await use(offsite)
      expect(offsite, 'requests to hosts other than this machine').toEqual([])
      expect(
        consoleErrors.filter((text) => !/status of (400|404)/.test(text)),
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
})

export { expect }
