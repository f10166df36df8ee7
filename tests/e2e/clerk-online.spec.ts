import { expect, test } from '@playwright/test'

// The online suite: real Clerk, through its real <SignIn />. It needs a Clerk development
// instance and network access to it, so it runs only when these are set, and the web server
// then runs in Clerk mode (see playwright.config.ts).
const required = ['CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'E2E_CLERK_USER_EMAIL'] as const
const missing = required.filter((name) => !process.env[name])
const reason = `online Clerk suite skipped: set ${missing.join(', ')} to run it`
if (missing.length > 0) console.log(reason)

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
    const { clerk, setupClerkTestingToken } = await import('@clerk/testing/playwright')
    await setupClerkTestingToken({ page })
    await page.goto('/sign-in')
    await clerk.signIn({ page, emailAddress: process.env.E2E_CLERK_USER_EMAIL! })
    await page.goto('/')
    await expect(page).toHaveURL('/')
    await expect(page.getByText(/Save an inspiring quote|Your quote is wonderful/)).toBeVisible()
  })
})
