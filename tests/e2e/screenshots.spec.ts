import { fileURLToPath } from 'node:url'
import { expect, signIn, test, withSavedQuote } from './fixtures'

// The README's pictures of the app, taken anew by every end-to-end run (the js project only):
// the home page with a saved quote, light and dark, on a desktop and at 320 px.

const folder = fileURLToPath(new URL('./screenshots/', import.meta.url))

test('the README screenshots: light and dark, desktop and 320 px', async ({ page }) => {
  await signIn(page, { email: `readme+${Date.now()}@example.com`, name: 'Ada Lovelace' })
  await withSavedQuote(page, 'Mistakes are the portals of discovery. — James Joyce')
  await page.reload() // Without the one-off "saved" announcement.
  for (const [size, viewport] of [
    ['desktop', { width: 1024, height: 560 }],
    ['320px', { width: 320, height: 560 }],
  ] as const) {
    await page.setViewportSize(viewport)
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      await expect(page.locator('main blockquote')).toBeVisible()
      await page.screenshot({ path: `${folder}${colorScheme}-${size}.png` })
    }
  }
})
