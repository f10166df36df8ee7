import { describe, expect, test } from 'vitest'
import { type TokenSetup, tokenSetupProblem } from './token-setup.server'

const neon: TokenSetup = { policy: true, grants: true, userIdFrom: 'pg_session_jwt' }
const standIn: TokenSetup = { ...neon, userIdFrom: 'stand-in' }

describe('tokenSetupProblem: what Neon RLS needs of the database', () => {
  test("Neon's pg_session_jwt with the policy and grants serves, in production too", () => {
    expect(tokenSetupProblem(neon, { production: true })).toBeNull()
  })

  test('the stand-in serves outside production only', () => {
    expect(tokenSetupProblem(standIn, { production: false })).toBeNull()
    expect(tokenSetupProblem(standIn, { production: true })).toMatch(
      /auth\.user_id\(\) in this database is Quotebook’s stand-in .*trusts claims any session can set/,
    )
  })

  test.each([
    ['auth.user_id()', { userIdFrom: 'missing' }],
    ['policy for the role authenticated', { policy: false }],
    [
      'grants for the role authenticated under row-level security (CONNECT, and user_messages without BYPASSRLS)',
      { grants: false },
    ],
  ] as const)('a database without its %s is refused, naming sql/00005', (missing, change) => {
    for (const production of [true, false]) {
      expect(tokenSetupProblem({ ...neon, ...change }, { production })).toBe(
        `DATABASE_AUTHENTICATED_URL is set, but the database has no ${missing} (Neon RLS). On ` +
          'Neon, enable RLS for Clerk in the console, which creates the roles (where auth.user_id() ' +
          'is still missing, run CREATE EXTENSION IF NOT EXISTS pg_session_jwt; as the owner), then ' +
          'run sql/00005_token_checked_row_level_security.sql in its SQL editor; elsewhere, run ' +
          'npm run db:migrate. Then start again.',
      )
    }
  })
})
