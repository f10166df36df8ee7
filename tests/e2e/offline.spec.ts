import {
  expect,
  quoteField,
  saveAgain,
  storedText,
  test,
  waitForHydration,
  withSavedQuote,
} from './fixtures'

// A page that loses the network, or gets an error page from something in between, while a change
// is on its way. Only a page with JavaScript can stay put through that: the js project alone runs
// this file.

test('moving between the views asks the server for no data', async ({ page, user: _ }) => {
  await withSavedQuote(page, 'Moved between, quietly')
  await waitForHydration(page)
  const dataRequests: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('.data')) dataRequests.push(request.url())
  })
  await page.getByRole('link', { name: 'Edit' }).click()
  await expect(quoteField(page)).toHaveValue('Moved between, quietly')
  await page.getByRole('link', { name: 'Cancel' }).click()
  await page.getByRole('link', { name: 'Delete quote' }).click()
  await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeVisible()
  await page.getByRole('link', { name: 'Keep it' }).click()
  await expect(page.locator('main blockquote')).toHaveText('Moved between, quietly')
  expect(dataRequests).toEqual([])
})

test.describe('a save that cannot reach the server', () => {
  // The browser notes each request that failed in the console; these failures are the point.
  test.use({ expectedFailures: /ERR_INTERNET_DISCONNECTED|status of 502/ })

  test('offline: the page stays, the text stays, and the save works once back online', async ({
    page,
    context,
    user: _,
  }) => {
    await withSavedQuote(page, 'Saved before the train')
    await waitForHydration(page)
    await context.setOffline(true)
    // Moving to the edit view asks the server nothing, so it works offline too.
    await page.getByRole('link', { name: 'Edit' }).click()
    await quoteField(page).fill('Typed in a tunnel')
    await page.getByRole('button', { name: 'Save changes' }).click()

    await expect(page.getByRole('alert')).toContainText('Quotebook could not be reached')
    await expect(quoteField(page)).toHaveValue('Typed in a tunnel')
    await expect(page.getByRole('banner')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Save changes' })).toBeEnabled()

    await context.setOffline(false)
    await saveAgain(page, 'Save changes', 'Typed in a tunnel')
  })

  test('after a save failed offline, Cancel still works offline', async ({
    page,
    context,
    user: _,
  }) => {
    await withSavedQuote(page, 'Kept as it was')
    await waitForHydration(page)
    await context.setOffline(true)
    await page.getByRole('link', { name: 'Edit' }).click()
    await quoteField(page).fill('Given up on')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.getByRole('alert')).toContainText('Quotebook could not be reached')
    await page.getByRole('link', { name: 'Cancel' }).click()
    await expect(page.locator('main blockquote')).toHaveText('Kept as it was')
    await expect(page.getByRole('banner')).toBeVisible()
    await context.setOffline(false)
  })

  test('offline delete: the question stays, with why, and nothing is lost', async ({
    page,
    context,
    user: _,
  }) => {
    await withSavedQuote(page, 'Not deleted offline')
    await waitForHydration(page)
    await context.setOffline(true)
    await page.getByRole('link', { name: 'Delete quote' }).click()
    await page.getByRole('button', { name: 'Yes, delete it' }).click()
    await expect(page.getByRole('alert')).toContainText('Quotebook could not be reached')
    await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeVisible()
    await expect(page.locator('main blockquote')).toHaveText('Not deleted offline')
    await context.setOffline(false)
    expect(await storedText(page)).toBe('Not deleted offline')
  })

  test('a 502 from something in between: the same, the text kept', async ({ page, user: _ }) => {
    await page.goto('/')
    await waitForHydration(page)
    await page.route('**/*.data*', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' })
        : route.continue(),
    )
    await quoteField(page).fill('Typed behind a bad proxy')
    await page.getByRole('button', { name: 'Save quote' }).click()
    await expect(page.getByRole('alert')).toContainText('your quote may not have been saved')
    await expect(quoteField(page)).toHaveValue('Typed behind a bad proxy')
  })
})
