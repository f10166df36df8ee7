import type { Page } from '@playwright/test'
import {
  expect,
  expectAccessible,
  newUser,
  quoteField,
  signIn,
  test,
  waitForHydration,
  withSavedQuote,
} from './fixtures'

// Signing out never loses what was typed, and its address is a page, not a dead end. Each runs
// with JavaScript on and off.

const signOutInHeader = (page: Page) =>
  page.getByRole('banner').getByRole('button', { name: 'Sign out' })

test('/sign-out typed in the address bar asks, with the header, and signs out', async ({
  page,
  user: _,
}) => {
  await page.goto('/sign-out')
  await expect(page.getByRole('heading', { name: 'Sign out?' })).toBeVisible()
  await expect(page.getByRole('banner')).toContainText('Signed in as Ada Lovelace')
  await expect(page.getByRole('link', { name: 'Back to your quote' })).toHaveAttribute('href', '/')
  await expectAccessible(page)
  await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL('/sign-in')
  // Signed out, the address leads to signing in.
  await page.goto('/sign-out')
  await expect(page).toHaveURL('/sign-in')
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
})

test('signing out while editing keeps the edit for the same user only', async ({
  page,
  javaScriptEnabled,
}) => {
  const owner = newUser('Edith Editor')
  await signIn(page, owner)
  await withSavedQuote(page, 'Saved before the edit')
  await page.getByRole('link', { name: 'Edit' }).click()
  if (javaScriptEnabled) await waitForHydration(page)
  await quoteField(page).fill('Typed, then signed out')
  await signOutInHeader(page).click()
  await expect(page).toHaveURL('/sign-in')
  await expect(page.getByRole('status')).toContainText(
    'Your session ended before your quote was saved, and we kept what you typed.',
  )
  await expectAccessible(page)

  // Someone else signing in at this browser is not offered it.
  await signIn(page, newUser('Someone Else'))
  await page.goto('/')
  await expect(quoteField(page)).toHaveValue('')
  await expect(page.getByText('We kept what you typed')).toHaveCount(0)
  await signOutInHeader(page).click()

  // Its owner is, and the saved quote is untouched until they save it.
  await page.getByLabel('Email').fill(owner.email)
  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')
  await expect(quoteField(page)).toHaveValue('Typed, then signed out')
  await expect(page.getByText('We kept what you typed')).toBeVisible()
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')
  await expect(page.locator('main blockquote')).toHaveText('Typed, then signed out')
})

test('signing out from a new quote keeps it; from an unchanged edit keeps nothing', async ({
  page,
  javaScriptEnabled,
}) => {
  const owner = newUser('Nora New')
  await signIn(page, owner)
  await page.goto('/')
  if (javaScriptEnabled) await waitForHydration(page)
  await quoteField(page).fill('A first quote, not yet saved')
  await signOutInHeader(page).click()
  await expect(page).toHaveURL('/sign-in')
  await signIn(page, owner)
  await page.goto('/')
  await expect(quoteField(page)).toHaveValue('A first quote, not yet saved')
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByRole('status')).toHaveText('Your quote was saved.')

  await page.getByRole('link', { name: 'Edit' }).click()
  await signOutInHeader(page).click()
  await expect(page).toHaveURL('/sign-in')
  await expect(page.getByText('we kept what you typed')).toHaveCount(0)
  await signIn(page, owner)
  await page.goto('/')
  await expect(page.locator('main blockquote')).toHaveText('A first quote, not yet saved')
  await expect(page.getByText('We kept what you typed')).toHaveCount(0)
})

test('a draft whose user cannot be known can be taken along, and the page says its fate', async ({
  page,
  context,
  javaScriptEnabled,
  user: _,
}) => {
  await page.goto('/')
  if (javaScriptEnabled) await waitForHydration(page)
  await quoteField(page).fill('Typed by whoever was here')
  // Signed out in another tab: no session cookie at all, so the draft is no one's.
  await context.clearCookies()
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page).toHaveURL(/\/sign-in/)
  const notice = page.getByRole('status').first()
  await expect(notice).toContainText('it is not saved anywhere')
  await expect(notice).toContainText('forgotten when you sign in, or in 15 minutes')
  await expect(notice).toContainText('select the text in the box')
  const unsaved = page.getByLabel('Your unsaved quote')
  await expect(unsaved).toHaveValue('Typed by whoever was here')
  await expect(unsaved).not.toBeEditable()
  const copy = page.getByRole('button', { name: 'Copy your quote' })
  if (javaScriptEnabled) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await copy.click()
    await expect(page.getByText('Copied.')).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      'Typed by whoever was here',
    )
  } else {
    // A button that could do nothing without JavaScript is not shown.
    await expect(copy).toHaveCount(0)
  }
  await expectAccessible(page)
})
