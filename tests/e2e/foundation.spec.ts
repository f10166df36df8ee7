import { expect, test } from './fixtures'

test('the home page reads from the database', async ({ page, user: _ }) => {
  const response = await page.goto('/')
  expect(response?.status()).toBe(200)
  await expect(page).toHaveTitle('Quotebook')
  await expect(page.getByTestId('quote-count')).toHaveText(/^\d+$/)
})

test('an unknown path is a 404 page', async ({ page }) => {
  const response = await page.goto('/no/such/page')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
})
