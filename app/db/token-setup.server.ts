/** What Neon RLS rests on in the database: `authenticated`'s grants and policy, auth.user_id(). */
export interface TokenSetup {
  policy: boolean
  /**
   * Whether `authenticated` may connect and read and write user_messages, under row-level
   * security: the role does not bypass it, and the table forces it.
   */
  grants: boolean
  /** Neon's pg_session_jwt, Quotebook's stand-in (sql/00005), or nothing. */
  userIdFrom: 'pg_session_jwt' | 'stand-in' | 'missing'
}

/**
 * Why Neon RLS (DATABASE_AUTHENTICATED_URL) cannot run as set up, or null. In production the
 * claims must be Neon's: pg_session_jwt reads them only from a token signed with the key Neon's
 * proxy sets per connection, where the stand-in auth.user_id() trusts claims any session can set.
 * (A database on this machine is refused before it is asked: client.server.ts.)
 */
export function tokenSetupProblem(
  setup: TokenSetup,
  { production }: { production: boolean },
): string | null {
  if (setup.userIdFrom === 'missing' || !setup.policy || !setup.grants) {
    const missing =
      setup.userIdFrom === 'missing'
        ? 'auth.user_id()'
        : !setup.policy
          ? 'policy for the role authenticated'
          : 'grants for the role authenticated under row-level security (CONNECT, and user_messages without BYPASSRLS)'
    return (
      `DATABASE_AUTHENTICATED_URL is set, but the database has no ${missing} (Neon RLS). On ` +
      'Neon, enable RLS for Clerk in the console, which creates the roles (where auth.user_id() ' +
      'is still missing, run CREATE EXTENSION IF NOT EXISTS pg_session_jwt; as the owner), then ' +
      'run sql/00005_token_checked_row_level_security.sql in its SQL editor; elsewhere, run ' +
      'npm run db:migrate. Then start again.'
    )
  }
  if (production && setup.userIdFrom !== 'pg_session_jwt') {
    return (
      'DATABASE_AUTHENTICATED_URL is set, but auth.user_id() in this database is Quotebook\u2019s ' +
      'stand-in (sql/00005), which trusts claims any session can set: for development and ' +
      'tests only. In production it must be Neon\u2019s pg_session_jwt (enable RLS in Neon\u2019s ' +
      'console), or unset DATABASE_AUTHENTICATED_URL.'
    )
  }
  return null
}
