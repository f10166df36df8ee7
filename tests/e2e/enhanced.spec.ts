import type { Page } from '@playwright/test'
import { expect, quoteField, test, waitForHydration, withSavedQuote } from './fixtures'

// What JavaScript adds on top of the plain form posts; only the js project runs this file.

/** Holds back the page's requests to `url` (of `method`, if given) until the returned call. */
async function holdBack(page: Page, url: string, method?: string): Promise<() => void> {
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route(url, async (route) => {
    if (method === undefined || route.request().method() === method) await held
    await route.continue()
  })
  return release
}

test('with JavaScript, a save looks pending until the server confirms it', async ({
  page,
  user: _,
}) => {
  await withSavedQuote(page, 'The saved words')
  await page.getByRole('link', { name: 'Edit' }).click()
  await waitForHydration(page)
  const release = await holdBack(page, '**/*.data*', 'POST')
  await quoteField(page).fill('Not confirmed yet')
  await page.getByRole('button', { name: 'Save changes' }).click()
  // The form stays, busy, with the text in it: nothing shows it as the saved quote yet.
  await expect(page.getByRole('button', { name: 'Saving…' })).toBeDisabled()
  await expect(page.locator('main form[aria-busy="true"]')).toHaveCount(1)
  await expect(quoteField(page)).toHaveValue('Not confirmed yet')
  await expect(page.locator('main blockquote')).toHaveCount(0)
  await expect(page.getByRole('status')).toHaveText('Saving…')
  // Said once where the eye is; the live region says it to a screen reader only.
  const shown = await page.getByText('Saving…', { exact: true }).evaluateAll(
    (elements) =>
      elements.filter((element) => {
        const box = element.getBoundingClientRect()
        return box.width > 2 && box.height > 2
      }).length,
  )
  expect(shown).toBe(1)
  release()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  await expect(page.locator('main blockquote')).toHaveText('Not confirmed yet')
  await expect(page.getByRole('link', { name: 'Edit' })).toBeVisible()
})

test('with JavaScript, a delete looks pending until the server confirms it', async ({
  page,
  user: _,
}) => {
  await withSavedQuote(page, 'Not gone yet')
  await page.getByRole('link', { name: 'Delete quote' }).click()
  await waitForHydration(page)
  const release = await holdBack(page, '**/*.data*', 'POST')
  await page.getByRole('button', { name: 'Yes, delete it' }).click()
  await expect(page.getByRole('button', { name: 'Deleting…' })).toBeDisabled()
  await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeVisible()
  await expect(page.locator('main blockquote')).toHaveText('Not gone yet')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your quote is wonderful...')
  await expect(page.getByRole('status')).toHaveText('Deleting…')
  release()
  await expect(page.getByRole('status')).toHaveText('Your quote was deleted.')
  await expect(quoteField(page)).toHaveValue('')
})

test('each view has its own title, and focus follows the view', async ({ page, user: _ }) => {
  await withSavedQuote(page, 'Followed by focus')
  await waitForHydration(page)
  await expect(page).toHaveTitle('Quotebook')

  await page.getByRole('link', { name: 'Edit' }).click()
  await expect(page).toHaveTitle('Edit your quote · Quotebook')
  await expect(quoteField(page)).toBeFocused()
  // The caret at the end, so typing adds to the quote rather than in front of it.
  const caret = await quoteField(page).evaluate((field: HTMLTextAreaElement) => [
    field.selectionStart,
    field.value.length,
  ])
  expect(caret[0]).toBe(caret[1])

  await page.getByRole('link', { name: 'Cancel' }).click()
  await expect(page).toHaveTitle('Quotebook')
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()

  await page.getByRole('link', { name: 'Delete quote' }).click()
  await expect(page).toHaveTitle('Delete your quote? · Quotebook')
  await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeFocused()
  await page.getByRole('link', { name: 'Keep it' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
  // Moving between the views announced nothing stale.
  await expect(page.getByRole('status')).toHaveText('')
})

test('Back to the page a save landed on does not announce the save again', async ({
  page,
  user: _,
}) => {
  await withSavedQuote(page, 'Announced once')
  await waitForHydration(page)
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  await page.getByRole('link', { name: 'Edit' }).click()
  await expect(quoteField(page)).toBeFocused()
  await page.goBack()
  await expect(page.locator('main blockquote')).toHaveText('Announced once')
  await expect(page.getByRole('status')).toHaveText('')
})

test('the counter follows the typing, and says when emoji count as more than one', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await waitForHydration(page)
  await quoteField(page).fill('Plain words')
  await expect(page.getByText('11 of 500 characters', { exact: true })).toBeVisible()
  await quoteField(page).fill('👨‍👩‍👧')
  await expect(page.getByText(/^5 of 500 characters \(some emoji/)).toBeVisible()
})

test('signing in moves focus to the new page’s heading, not to the body', async ({ page }) => {
  await page.goto('/sign-in')
  await waitForHydration(page)
  await page.getByLabel('Email').fill(`focus+${Date.now()}@example.com`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
})

test('text typed before the page’s JavaScript has run is still there once it has', async ({
  page,
  user: _,
}) => {
  await withSavedQuote(page, 'The saved words')
  // The page's modules wait, as on a slow connection, while the person starts typing.
  const release = await holdBack(page, '**/assets/*.js')
  await page.goto('/edit', { waitUntil: 'commit' })
  await expect(quoteField(page)).toHaveValue('The saved words')
  await quoteField(page).fill('Typed while the page was loading')
  release()
  await waitForHydration(page)
  await expect(quoteField(page)).toHaveValue('Typed while the page was loading')
})
