import type { Page } from '@playwright/test'
import {
  expect,
  saveAgain,
  expectAccessible,
  keepScreenshot,
  newUser,
  quoteField,
  saveQuote,
  signIn,
  storedText,
  test,
  withSavedQuote,
} from './fixtures'

// Beyond the happy path: what a person typed is never lost, nothing is deleted by accident, and
// two tabs never overwrite each other without a word. Each runs with JavaScript on and off
// (going offline mid-page needs JavaScript: offline.spec.ts).

test('pressing Enter twice on "Delete quote" does not delete', async ({ page, user: _ }) => {
  await withSavedQuote(page, 'Kept through a double press')
  await page.getByRole('link', { name: 'Delete quote' }).focus()
  await page.keyboard.press('Enter')
  await page.waitForTimeout(150)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeFocused()
  // Whatever the presses sent has arrived by now.
  await page.waitForLoadState('networkidle')
  expect(await storedText(page)).toBe('Kept through a double press')
})

/** The texts in `main` painted red, as an error is: a choice between two texts has none. */
const redText = (page: Page) =>
  page.locator('main').evaluate((main) => {
    const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!
    const red: string[] = []
    for (const element of main.querySelectorAll('*')) {
      const style = getComputedStyle(element)
      for (const color of [style.color, style.borderTopColor]) {
        canvas.clearRect(0, 0, 1, 1)
        canvas.fillStyle = color
        canvas.fillRect(0, 0, 1, 1)
        const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data
        if (a! > 0 && r! > g! + 60 && r! > b! + 60) red.push(element.outerHTML.slice(0, 60))
      }
    }
    return red
  })

test.describe('two tabs', () => {
  test('a save from a tab that is out of date offers a choice between the two texts', async ({
    page,
    context,
    user: _,
  }) => {
    // Two pages, and axe in two themes: more than the default time on a busy machine.
    test.slow()
    await withSavedQuote(page, 'First version')
    await page.getByRole('link', { name: 'Edit' }).click()

    const other = await context.newPage()
    await other.goto('/edit')
    await saveQuote(other, 'Newer, from the other tab', 'Save changes')

    await quoteField(page).fill('Older tab, typed later')
    await page.getByRole('button', { name: 'Save changes' }).click()
    // A choice between two good texts, each named where it stands; nothing is marked wrong.
    const choice = page.getByRole('region', { name: 'Your quote was changed in another tab' })
    await expect(choice).toContainText('The saved one, now')
    await expect(choice.locator('blockquote')).toHaveText('Newer, from the other tab')
    const yours = page.getByLabel('Yours, not saved yet')
    await expect(yours).toHaveValue('Older tab, typed later')
    await expect(yours).not.toHaveAttribute('aria-invalid', /.*/)
    await expect(page.getByRole('alert')).toHaveCount(0)
    await expect(page.getByRole('link', { name: 'Keep the saved one' })).toHaveAttribute(
      'href',
      '/',
    )
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      expect(await redText(page), colorScheme).toEqual([])
    }
    expect(await storedText(page)).toBe('Newer, from the other tab')
    await expectAccessible(page)
    await keepScreenshot(page, 'conflict')

    // Choosing to replace it, knowingly.
    await saveAgain(page, 'Save mine instead', 'Older tab, typed later')
  })

  test('"Keep the saved one" keeps the text another tab saved', async ({
    page,
    context,
    user: _,
  }, testInfo) => {
    await withSavedQuote(page, 'First version')
    await page.getByRole('link', { name: 'Edit' }).click()
    const other = await context.newPage()
    await other.goto('/edit')
    await saveQuote(other, 'Kept from the other tab', 'Save changes')
    await quoteField(page).fill('Given up')
    // With JavaScript, the refused save reloads the page's data; a click that interrupts that
    // reload leaves the older quote on the page (a race of the app's, in the closing note).
    const reloaded =
      testInfo.project.use.javaScriptEnabled === false
        ? Promise.resolve()
        : page.waitForResponse(
            (response) =>
              response.request().method() === 'GET' &&
              new URL(response.url()).pathname.endsWith('.data'),
          )
    await page.getByRole('button', { name: 'Save changes' }).click()
    await reloaded
    await page.getByRole('link', { name: 'Keep the saved one' }).click()
    await expect(page.locator('main blockquote')).toHaveText('Kept from the other tab')
    expect(await storedText(page)).toBe('Kept from the other tab')
  })

  test('a save after another tab deleted the quote does not bring it back unasked', async ({
    page,
    context,
    user: _,
  }) => {
    await withSavedQuote(page, 'About to be deleted elsewhere')
    await page.getByRole('link', { name: 'Edit' }).click()

    const other = await context.newPage()
    await other.goto('/delete')
    await other.getByRole('button', { name: 'Yes, delete it' }).click()
    await expect(other.getByRole('status')).toHaveText('Your quote was deleted.')

    await quoteField(page).fill('Edited in the stale tab')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect(
      page.getByRole('region', { name: 'Your quote was deleted in another tab' }),
    ).toBeVisible()
    await expect(page.getByRole('alert')).toHaveCount(0)
    await expect(page.getByLabel('Yours, not saved yet')).toHaveValue('Edited in the stale tab')
    await expect(page.getByRole('link', { name: 'Leave it deleted' })).toHaveAttribute('href', '/')
    expect(await storedText(page)).toBeNull()

    await saveAgain(page, 'Save mine', 'Edited in the stale tab')
  })

  test('a delete confirmed in a tab that is out of date asks again, showing the newer text', async ({
    page,
    context,
    user: _,
  }) => {
    await withSavedQuote(page, 'Seen when asked')
    await page.getByRole('link', { name: 'Delete quote' }).click()

    const other = await context.newPage()
    await other.goto('/edit')
    await saveQuote(other, 'Changed meanwhile', 'Save changes')

    await page.getByRole('button', { name: 'Yes, delete it' }).click()
    await expect(page.getByRole('alert')).toContainText('changed in another tab or window')
    await expect(page.locator('main blockquote')).toHaveText('Changed meanwhile')
    // Asked again, from the question: not left on the page's body.
    await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeFocused()
    expect(await storedText(page)).toBe('Changed meanwhile')
  })
})

test('Back after signing out shows no signed-in page from the cache', async ({ page }) => {
  const user = newUser('Back Button')
  await signIn(page, user)
  await withSavedQuote(page, 'Private words')
  await expect(page.getByRole('banner')).toContainText('Back Button')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL('/sign-in')
  await page.goBack()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await expect(page.getByText('Private words')).toHaveCount(0)
  await expect(page.getByText('Back Button')).toHaveCount(0)
  await expect(page.getByText('Your quote was saved.')).toHaveCount(0)
})

test('a paste far larger than a quote stops in the field, and the text comes back', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await quoteField(page).focus()
  await page.keyboard.insertText('Too long. '.repeat(3_000))
  // The browser stops at the field's limit, so the form stays small enough to be answered.
  const kept = await quoteField(page).inputValue()
  expect(kept.length).toBe(1_500)
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByRole('alert')).toContainText('at most 500 characters')
  await expect(quoteField(page)).toHaveValue(kept)
  await expect(page.getByText('Too much at once')).toHaveCount(0)
})

test.describe('a session that ended', () => {
  test('a kept draft survives a reload after signing in again, until it is saved', async ({
    page,
    expireSession,
  }) => {
    const user = newUser('Reloader')
    await signIn(page, user)
    await page.goto('/')
    await quoteField(page).fill('Typed, then the session ended')
    await expireSession(page, user)
    await page.getByRole('button', { name: 'Save quote' }).click()
    await expect(page.getByRole('status')).toContainText(
      'Your session ended before your quote was saved, and we kept what you typed.',
    )
    await signIn(page, user)
    await page.goto('/')
    await expect(quoteField(page)).toHaveValue('Typed, then the session ended')
    await expectAccessible(page)
    await page.reload()
    await expect(quoteField(page)).toHaveValue('Typed, then the session ended')
    await page.getByRole('button', { name: 'Save quote' }).click()
    await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
    await page.reload()
    await expect(page.locator('main blockquote')).toHaveText('Typed, then the session ended')
  })

  test('a delete confirmed after the session ended says so, and asks again after signing in', async ({
    page,
    expireSession,
  }) => {
    const user = newUser('Late Deleter')
    await signIn(page, user)
    await withSavedQuote(page, 'Still here after all')
    await page.getByRole('link', { name: 'Delete quote' }).click()
    await expireSession(page, user)
    await page.getByRole('button', { name: 'Yes, delete it' }).click()
    await expect(page.getByRole('status')).toContainText(
      'Your session ended before your quote was deleted, so it is still there.',
    )
    await page.getByLabel('Email').fill(user.email)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('heading', { name: 'Delete your quote?' })).toBeVisible()
    await expect(page.locator('main blockquote')).toHaveText('Still here after all')
  })
})

test.describe('at 320 px', () => {
  test.use({ viewport: { width: 320, height: 640 } })

  for (const [what, name, email] of [
    ['a long email and no name', '', 'alexandra.konstantinopoulou@universityhospital.example.org'],
    ['a 100-character name without a break', 'N'.repeat(100), 'unbroken@example.com'],
  ] as const) {
    test(`${what} fits without sideways scrolling`, async ({ page }) => {
      await signIn(page, { email: email.replace('@', `+${Date.now()}@`), name })
      await page.goto('/')
      await expect(page.getByRole('banner')).toContainText('Signed in as')
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width).toBeLessThanOrEqual(320)
      await expectAccessible(page)
    })
  }
})
