import { expect, test } from './fixtures'

// Each browser project runs its specs on the run's server in one mode of row-level security
// (playwright.config.ts); the server must be in that mode, or a project tests the other one twice.

test('the server is in the project’s mode of row-level security, as /healthz says', async ({
  request,
  rowLevelSecurity,
}) => {
  const answer = await request.get('/healthz')
  expect(answer.status()).toBe(200)
  expect(await answer.json()).toEqual({ status: 'ok', rowLevelSecurity })
})
