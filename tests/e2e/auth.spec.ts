import { expect, newUser, signIn, test } from './fixtures'

test('sign in, see the home page, sign out, and be asked to sign in again', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveURL('/sign-in?redirect_url=%2F')
  await page.getByLabel('Email').fill('ada.e2e@example.com')
  await page.getByLabel('Name').fill('Ada Lovelace')
  await page.getByRole('button', { name: 'Sign in' }).click()

  await expect(page).toHaveURL('/')
  await expect(page.getByRole('banner')).toContainText('Signed in as Ada Lovelace')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL('/sign-in')
  await page.goto('/')
  await expect(page).toHaveURL('/sign-in?redirect_url=%2F')
})

test('a sign-in error keeps what was typed', async ({ page }) => {
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill('not an email')
  await page.getByLabel('Name').fill('Grace')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText('Enter an email address like ada@example.com.')).toBeVisible()
  await expect(page.getByLabel('Email')).toHaveValue('not an email')
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByLabel('Email')).toBeFocused()
  await expect(page.getByLabel('Name')).toHaveValue('Grace')
})

test('redirect_url is honoured after signing in', async ({ page }) => {
  await page.goto('/sign-in?redirect_url=%2F%3Ffrom%3Dlink')
  await page.getByLabel('Email').fill('redirect@example.com')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/?from=link')
})

for (const hostile of [
  '//evil.example/',
  '/\\evil.example',
  'https://evil.example/',
  'javascript:alert(1)',
]) {
  test(`a hostile redirect_url ${JSON.stringify(hostile)} lands on the home page`, async ({
    page,
  }) => {
    await page.goto(`/sign-in?redirect_url=${encodeURIComponent(hostile)}`)
    await page.getByLabel('Email').fill('hostile@example.com')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page).toHaveURL('/')
  })
}

test('two browser contexts are two different users', async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()])
  const [ada, grace] = [newUser('Ada Lovelace'), newUser('Grace Hopper')]
  const pages = await Promise.all(contexts.map((context) => context.newPage()))
  await signIn(pages[0]!, ada)
  await signIn(pages[1]!, grace)
  await Promise.all(pages.map((page) => page.goto('/')))
  await expect(pages[0]!.getByRole('banner')).toContainText('Signed in as Ada Lovelace')
  await expect(pages[1]!.getByRole('banner')).toContainText('Signed in as Grace Hopper')
  await Promise.all(contexts.map((context) => context.close()))
})
