import {
  expect,
  expectAccessible,
  keepScreenshot,
  newUser,
  quoteField,
  saveQuote,
  signIn,
  test,
  withSavedQuote,
} from './fixtures'

test('the whole journey: save, reload, edit, cancel, edit, save, delete', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await expect(page.getByText('Save an inspiring quote for yourself...')).toBeVisible()
  await expect(quoteField(page)).toHaveAttribute(
    'placeholder',
    'e.g. Mistakes are the portals of discovery - James Joyce',
  )
  await expectAccessible(page)
  await keepScreenshot(page, 'empty')

  await quoteField(page).fill('Mistakes are the portals of discovery - James Joyce')
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByText('Your quote is wonderful...')).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  await expect(page.locator('blockquote')).toHaveText(
    'Mistakes are the portals of discovery - James Joyce',
  )
  await expectAccessible(page)
  await keepScreenshot(page, 'saved')

  await page.reload()
  await expect(page.locator('blockquote')).toHaveText(
    'Mistakes are the portals of discovery - James Joyce',
  )
  await expect(page.getByRole('status')).toHaveText('')

  await page.getByRole('link', { name: 'Edit' }).click()
  await expect(quoteField(page)).toHaveValue('Mistakes are the portals of discovery - James Joyce')
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible()
  await expectAccessible(page)
  await keepScreenshot(page, 'editing')
  await page.getByRole('link', { name: 'Cancel' }).click()
  await expect(page.locator('blockquote')).toHaveText(
    'Mistakes are the portals of discovery - James Joyce',
  )

  await page.getByRole('link', { name: 'Edit' }).click()
  await saveQuote(page, 'The only way out is through.\n— Robert Frost', 'Save changes')
  await expect(page.locator('blockquote')).toHaveText(
    'The only way out is through.\n— Robert Frost',
  )

  await page.getByRole('link', { name: 'Delete quote' }).click()
  await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeVisible()
  await expectAccessible(page)
  await keepScreenshot(page, 'confirm-delete')
  await page.getByRole('button', { name: 'Yes, delete it' }).click()
  await expect(page.getByText('Save an inspiring quote for yourself...')).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('Your quote was deleted.')
  await expect(quoteField(page)).toHaveValue('')
})

test('the counter says what is true: the limit without JavaScript, the count with it', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await quoteField(page).fill('Four')
  const counter = page.locator('#quote-length')
  if (test.info().project.use.javaScriptEnabled === false) {
    await expect(counter).toHaveText('At most 500 characters')
  } else {
    await expect(counter).toHaveText('4 of 500 characters')
  }
})

test('a validation error keeps what was typed, next to the field', async ({ page, user: _ }) => {
  await page.goto('/')
  const tooLong = `${'🙂'.repeat(501)}`
  await quoteField(page).fill(tooLong)
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(
    page.getByText('Your quote can be at most 500 characters (this one has 501).'),
  ).toBeVisible()
  await expect(quoteField(page)).toHaveValue(tooLong)
  await expect(quoteField(page)).toHaveAttribute('aria-invalid', 'true')
  await expect(quoteField(page)).toBeFocused()
  await expectAccessible(page)
  await keepScreenshot(page, 'error')

  await quoteField(page).fill('   ')
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByText('Write a quote before saving.')).toBeVisible()
  await expect(quoteField(page)).toHaveValue('   ')
})

test('a save after the session expired keeps the text through signing in again', async ({
  page,
  expireSession,
}) => {
  const user = newUser('Ada Lovelace')
  await signIn(page, user)
  await page.goto('/')
  await quoteField(page).fill('Typed over lunch, saved after.')
  await expireSession(page, user)
  await page.getByRole('button', { name: 'Save quote' }).click()

  await expect(page).toHaveURL('/sign-in?redirect_url=%2F')
  await page.getByLabel('Email').fill(user.email)
  await page.getByRole('button', { name: 'Sign in' }).click()

  await expect(page).toHaveURL('/')
  await expect(page.getByText('Your session ended before your quote was saved.')).toBeVisible()
  await expect(quoteField(page)).toHaveValue('Typed over lunch, saved after.')
  await saveQuote(page, 'Typed over lunch, saved after.')
  await expect(page.locator('blockquote')).toHaveText('Typed over lunch, saved after.')
})

test('two users in two contexts each see only their own quote', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()])
  const pages = await Promise.all(contexts.map((context) => context.newPage()))
  const texts = ['Ada’s quote', 'Grace’s quote']
  for (const [index, page] of pages.entries()) {
    await signIn(page, newUser())
    await page.goto('/')
    await saveQuote(page, texts[index]!)
  }
  for (const [index, page] of pages.entries()) {
    await page.reload()
    await expect(page.locator('blockquote')).toHaveText(texts[index]!)
  }
  await Promise.all(contexts.map((context) => context.close()))
})

test('a quote that is HTML renders as text, and runs nothing', async ({ page, user: _ }) => {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await page.goto('/')
  await saveQuote(page, '<img src=x onerror=alert(1)>')
  await expect(page.locator('blockquote')).toHaveText('<img src=x onerror=alert(1)>')
  await page.reload()
  await expect(page.locator('blockquote')).toHaveText('<img src=x onerror=alert(1)>')
  await expect(page.locator('blockquote img')).toHaveCount(0)
  expect(dialogs).toEqual([])
})

test('an unknown path is a 404 page, with the site header and one title', async ({
  page,
  user: _,
}) => {
  const response = await page.goto('/no/such/page')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
  await expect(page.getByText('The page you asked for does not exist.')).toBeVisible()
  await expect(page.getByRole('banner')).toContainText('Signed in as')
  expect(await page.locator('title').count()).toBe(1)
  await expect(page).toHaveTitle('Page not found · Quotebook')
  await expectAccessible(page)
})

test.describe('error pages of forms no page sends', () => {
  test.use({ expectedFailures: /status of (400|413)/ })

  test('the 400 and 413 pages: the site header, one title, nothing inaccessible', async ({
    page,
    user: _,
  }) => {
    await page.goto('/')
    // Forms no page of the app sends, to the old address of its forms: an unknown intent, and a
    // body over the server's limit.
    for (const [fields, status, heading] of [
      [{ intent: 'launch' }, 400, 'That request was not understood'],
      [{ intent: 'save', quote: 'x'.repeat(20_000) }, 413, 'Too much at once'],
    ] as const) {
      const [response] = await Promise.all([
        page.waitForResponse((answer) => answer.request().method() === 'POST'),
        page.evaluate((values) => {
          const form = Object.assign(document.createElement('form'), {
            method: 'post',
            action: '/?index',
          })
          for (const [name, value] of Object.entries(values)) {
            form.append(Object.assign(document.createElement('input'), { name, value }))
          }
          document.body.append(form)
          form.submit()
        }, fields),
      ])
      expect(response.status()).toBe(status)
      await expect(page.getByRole('heading', { name: heading })).toBeVisible()
      await expect(page.getByRole('banner')).toBeVisible()
      expect(await page.locator('title').count()).toBe(1)
      await expectAccessible(page)
      await page.goto('/')
    }
  })
})

test('the sign-in page is accessible', async ({ page }) => {
  await page.goto('/sign-in')
  await expectAccessible(page)
})

test('the page fits a 320 px screen and reads in dark mode', async ({ page, user: _ }) => {
  await page.setViewportSize({ width: 320, height: 640 })
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.goto('/')
  await saveQuote(
    page,
    'A long quote that has to wrap on a narrow phone screen without scrolling sideways',
  )
  await expect(page.locator('blockquote')).toBeVisible()
  // Measured from outside the page, so it works with JavaScript off too.
  for (const part of ['header', 'main', 'blockquote', 'text=Delete quote']) {
    const box = await page.locator(part).first().boundingBox()
    expect(box!.x + box!.width, part).toBeLessThanOrEqual(320)
  }
  await expect(page.locator('body')).not.toHaveCSS('background-color', 'rgb(255, 255, 255)')
  await expectAccessible(page)
  await keepScreenshot(page, 'saved-320px-dark')
})

test.describe('one address per view', () => {
  test('/edit and /delete are pages of their own, with their forms and titles', async ({
    page,
    user: _,
  }) => {
    await withSavedQuote(page, 'At its own address')
    await page.goto('/edit')
    await expect(page).toHaveTitle('Edit your quote · Quotebook')
    await expect(quoteField(page)).toHaveValue('At its own address')
    await page.goto('/delete')
    await expect(page).toHaveTitle('Delete your quote? · Quotebook')
    await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeVisible()
    await page.getByRole('link', { name: 'Keep it' }).click()
    await expect(page).toHaveURL(/\/$/)
    await page.getByRole('link', { name: 'Edit' }).click()
    await expect(page).toHaveURL(/\/edit$/)
    await page.getByRole('link', { name: 'Cancel' }).click()
    await page.getByRole('link', { name: 'Delete quote' }).click()
    await expect(page).toHaveURL(/\/delete$/)
  })

  test('the old addresses lead to the new ones', async ({ page, user: _ }) => {
    await withSavedQuote(page, 'Moved')
    await page.goto('/?edit')
    await expect(page).toHaveURL(/\/edit$/)
    await expect(quoteField(page)).toHaveValue('Moved')
    await page.goto('/?delete')
    await expect(page).toHaveURL(/\/delete$/)
    await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeVisible()
  })

  test('a form from a page loaded before the move still saves what was typed', async ({
    page,
    user: _,
  }) => {
    await withSavedQuote(page, 'Before the move')
    // As an old page sent it: to `/?index`, with its intent.
    await page.evaluate(() => {
      const form = Object.assign(document.createElement('form'), {
        method: 'post',
        action: '/?index',
      })
      for (const [name, value] of [
        ['intent', 'save'],
        ['quote', 'Typed on the old page'],
      ]) {
        form.append(Object.assign(document.createElement('input'), { name, value }))
      }
      document.body.append(form)
      form.submit()
    })
    await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
    await expect(page.locator('main blockquote')).toHaveText('Typed on the old page')
  })
})
