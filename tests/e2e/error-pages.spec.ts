import { expect, test } from './fixtures'

// The error pages speak to the person in front of them and always offer a way on.

test('the 404 page says what the request id is for, and the way back', async ({ page }) => {
  const response = await page.goto('/no-such-page')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  await expect(page.getByText('If you report this, give this id:')).toBeVisible()
  await expect(page.getByTestId('request-id')).toHaveText(/^[0-9a-f-]{36}$/)
  await expect(page.getByRole('link', { name: 'Back to Quotebook' })).toHaveAttribute('href', '/')
})

test.describe('a form sent where nothing takes one', () => {
  test.use({ expectedFailures: /status of (404|405)/ })

  test('the 405 page speaks to the user, not the developer', async ({ page }) => {
    // A page of this origin with a stray form, as a browser with or without JavaScript posts it.
    await page.route('**/stray-form', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<form method="post" action="/sign-up"><button>Send</button></form>',
      }),
    )
    await page.goto('/stray-form')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect(page.getByRole('heading', { name: 'Not something this page does' })).toBeVisible()
    await expect(page.getByRole('alert')).toHaveText(
      'That cannot be sent from here. Go back to Quotebook and try again from its page.',
    )
    await expect(page.getByText(/takes no form/)).toHaveCount(0)
    await expect(page.getByRole('link', { name: 'Back to Quotebook' })).toBeVisible()
  })
})
