import { test as base, expect } from '@playwright/test'

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Every page records each request it makes; a test fails if any leaves this machine, or if the
 * page logs an error to its console.
 */
export const test = base.extend<{ offsiteRequests: string[] }>({
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
        consoleErrors.filter((text) => !text.includes('404 (Not Found)')),
        'console errors',
      ).toEqual([])
    },
    { auto: true },
  ],
})

export { expect }
