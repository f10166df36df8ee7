import { expect, quoteField, test, waitForHydration } from './fixtures'

// What JavaScript adds on top of the plain form posts; only the js project runs this file.

test('with JavaScript, a save shows the new quote at once, then confirms it', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await waitForHydration(page)
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/*.data*', async (route) => {
    if (route.request().method() === 'POST') await held
    await route.continue()
  })
  await quoteField(page).fill('Shown before the server answers')
  await page.getByRole('button', { name: 'Save Quote' }).click()
  await expect(page.locator('blockquote')).toHaveText('Shown before the server answers')
  await expect(page.getByRole('button', { name: 'Saving…' })).toBeDisabled()
  await expect(page.getByRole('status')).toHaveText('Saving…')
  release()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  await expect(page.getByRole('link', { name: 'Edit' })).toBeVisible()
})
