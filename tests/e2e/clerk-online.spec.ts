import { expect, type Page, test } from '@playwright/test'

// The online suite: real Clerk, through its real <SignIn />. It needs a Clerk development
// instance and network access to it, so it runs only when these are set, and the web server
// then runs in Clerk mode (see playwright.config.ts).
const required = ['CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'E2E_CLERK_USER_EMAIL'] as const
const missing = required.filter((name) => !process.env[name])
const reason = `online Clerk suite skipped: set ${missing.join(', ')} to run it`
if (missing.length > 0) console.log(reason)

/** Signs the test user in through Clerk's own <SignIn /> and opens the home page. */
async function signInWithClerk(page: Page) {
  const { clerk, setupClerkTestingToken } = await import('@clerk/testing/playwright')
  await setupClerkTestingToken({ page })
  await page.goto('/sign-in')
  await clerk.signIn({ page, emailAddress: process.env.E2E_CLERK_USER_EMAIL! })
  await page.goto('/')
  await expect(page).toHaveURL('/')
}

test.describe('real Clerk', () => {
  test.skip(missing.length > 0, reason)
  test.describe.configure({ mode: 'serial' })

  test.beforeAll(async () => {
    const { clerkSetup } = await import('@clerk/testing/playwright')
    await clerkSetup()
  })

  test('signs in through Clerk’s <SignIn /> and opens the home page', async ({
    page,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'js', 'Clerk’s components need JavaScript')
    await signInWithClerk(page)
    await expect(page.getByText(/Save an inspiring quote|Your quote is wonderful/)).toBeVisible()
  })

  // Sessions are accepted only with `azp` = APP_URL, and @clerk/backend refuses a token without
  // one; Clerk's Frontend API is reported to mint such tokens on top-level navigations
  // (clerk/javascript#8231). This is the navigation that would sign a real user out.
  test('a top-level navigation after the session token expired stays signed in', async ({
    page,
    browser,
    baseURL,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'js', 'Clerk’s components need JavaScript')
    test.setTimeout(120_000)
    await signInWithClerk(page)
    // The cookies only, in a browser without JavaScript: nothing refreshes the token there, so
    // once it has expired (Clerk's last 60 s) the next page load goes through Clerk's handshake.
    const noScript = await browser.newContext({
      baseURL,
      javaScriptEnabled: false,
      storageState: await page.context().storageState(),
    })
    await page.close()
    await new Promise((resolve) => setTimeout(resolve, 65_000))
    const later = await noScript.newPage()
    await later.goto('/')
    await expect(later).toHaveURL('/')
    await expect(later.getByText(/Save an inspiring quote|Your quote is wonderful/)).toBeVisible()
    await noScript.close()
  })
})
