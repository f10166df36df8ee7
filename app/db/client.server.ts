import { neon, neonConfig, type NeonQueryPromise } from '@neondatabase/serverless'
import { authMode, EnvironmentError, env } from '../env.server'
import { logLine } from '../http/log.server'
import { createContext, type RouterContextProvider } from 'react-router'
import { z } from 'zod'
import { closeEmbeddedDatabases, EMBEDDED_OWNER, embeddedDatabase } from './embedded.server'
import { closeLocalTransport } from './local-pool.server'
import { isLocalDatabaseUrl, localTransport, serveTokenRoles } from './local-transport.server'
import type { TrustedKey } from './neon-jwt.server'
import type { TokenSetup } from './token-setup.server'

/**
 * The one database client. Which database it reaches is decided here, once, at start-up:
 *
 * - DATABASE_URL on Neon: `neon()` over HTTPS, untouched.
 * - DATABASE_URL on this machine: `neon()` with the local transport, which speaks Neon's
 *   SQL-over-HTTP protocol to that server through postgres.js.
 * - DATABASE_URL unset (development and tests): the embedded database, through the same transport.
 */
// Settles once the embedded database has started (at once for any other database). A query's
// deadline starts after it: the embedded start-up (seconds, on a busy machine) is not the query's.
// A failed start is not thrown here; the query then fails as a database that cannot be reached.
let started: Promise<unknown> = Promise.resolve()
// The embedded database's start as it went, its error included, for the server to wait on.
let opening: Promise<unknown> = Promise.resolve()

// The embedded database's address, once it listens; undefined for any other database.
let embeddedUrl: (() => Promise<string>) | undefined
// Its session's user, as its address names it (the owner; the bootstrap superuser in a data
// directory older than the owner): the local transport's login for a token role must be this
// very user, or a second pool would open a second socket into PGlite's one session.
let embeddedOwner: string | undefined

// Whether the local transport serves the database: remembered, not read back from neonConfig,
// whose fetchFunction a preload may wrap (the bench's round-trip counter does).
let local = false

function connectionString(): string | (() => Promise<string>) {
  // The embedded database's port is known only once it listens; neon() resolves it per query.
  if (env.DATABASE_URL === undefined) {
    neonConfig.fetchFunction = localTransport
    local = true
    const database = embeddedDatabase(env.QUOTEBOOK_DATA_DIR)
    // Report a database that cannot open (its directory owned by another process, say) at
    // start-up; every query then fails with the same error until the process restarts.
    database.catch((error: unknown) => {
      logLine('error', { message: error instanceof Error ? error.message : String(error) })
      process.exitCode = 1
    })
    opening = database
    started = database.catch(() => {})
    embeddedUrl = async () => (await database).url
    return embeddedUrl
  }
  if (isLocalDatabaseUrl(env.DATABASE_URL)) {
    neonConfig.fetchFunction = localTransport
    local = true
  }
  return env.DATABASE_URL
}

export const sql = neon({ connectionString: connectionString() })

/**
 * Neon RLS, when DATABASE_AUTHENTICATED_URL is set: per-user statements are sent as the role
 * `authenticated` with the user's session token, which the database's side verifies (Neon's
 * proxy, or the local transport as it), and its policy admits the rows of that token's user only.
 */
const authenticatedConnectionString = ((): string | (() => Promise<string>) | undefined => {
  const value = env.DATABASE_AUTHENTICATED_URL
  if (value === undefined) return undefined
  if (embeddedUrl === undefined) return value
  const embedded = embeddedUrl
  return async () => {
    const url = new URL(await embedded())
    embeddedOwner = url.username
    url.username = new URL(value).username
    return url.href
  }
})()

/** The connection string per-user statements use with Neon RLS, resolved; for tests. */
export async function authenticatedConnection(): Promise<string | undefined> {
  const value = authenticatedConnectionString
  return typeof value === 'function' ? value() : value
}

/** Who decides which rows a user's statements see: the database from the session token, or the app's role switch. */
export const rowLevelSecurity: 'token' | 'app-role' =
  authenticatedConnectionString === undefined ? 'app-role' : 'token'

/**
 * Has the local transport check session tokens as Neon's proxy does with the JWKS (and audience)
 * configured in Neon's console, against `keys` (the local issuer's, or Clerk's CLERK_JWT_KEY),
 * and run a request as `authenticated` through the owner's login. Nothing to do on Neon, or without Neon
 * RLS. For the composition root, before the first request.
 */
export function trustSessionTokens(keys: () => TrustedKey[], audience?: string): void {
  if (authenticatedConnectionString === undefined) return
  if (!local) {
    // Neon checks tokens against the JWKS its console names: Clerk's, never the local issuer's.
    if (authMode === 'local') {
      throw new EnvironmentError(
        'DATABASE_AUTHENTICATED_URL names a Neon database, whose proxy checks session tokens ' +
          'against Clerk\u2019s keys: it would refuse every token of the local sign-in. Set ' +
          'Clerk\u2019s keys, or unset DATABASE_AUTHENTICATED_URL.',
      )
    }
    return
  }
  // Refused before the database is asked anything: it may not answer at start-up.
  if (env.NODE_ENV === 'production') {
    throw new EnvironmentError(
      'DATABASE_AUTHENTICATED_URL names a database on this machine, whose session tokens the ' +
        'app itself checks in place of Neon\u2019s proxy: for development and tests only. In ' +
        'production use the authenticated connection string of a Neon database, or unset it.',
    )
  }
  const trusted = keys()
  if (trusted.length === 0) {
    throw new EnvironmentError(
      'DATABASE_AUTHENTICATED_URL names a database on this machine, whose session tokens the ' +
        'app checks as Neon would, with Clerk\u2019s key: set CLERK_JWT_KEY (Clerk\u2019s ' +
        'dashboard \u2192 API keys \u2192 JWT public key).',
    )
  }
  const owner = new URL(env.DATABASE_URL ?? `postgresql://${EMBEDDED_OWNER}@localhost`)
  serveTokenRoles({
    trust: { keys: trusted, audience },
    login: (connectionString) => {
      const url = new URL(connectionString)
      url.username = embeddedOwner ?? owner.username
      url.password = owner.password
      return url.href
    },
  })
}

/**
 * How long a request may wait on the database: QUERY_TIMEOUT_MS, counted from its first query
 * and shared by every query after it, so an action and the page rendered after it wait at most
 * that long together. It starts once the embedded database has started.
 */
export type Deadline = Promise<{ signal: AbortSignal; endsAt: number }>

/** A deadline of its own, for work outside a request's (start-up, /healthz, tests). */
export const newDeadline = (): Deadline =>
  started.then(() => ({
    signal: AbortSignal.timeout(env.QUERY_TIMEOUT_MS),
    endsAt: Date.now() + env.QUERY_TIMEOUT_MS,
  }))

// Null until the request's first query starts it.
const deadlineContext = createContext<Deadline | null>(null)

/** The deadline of the request `context` belongs to, started by its first query. */
export function requestDeadline({ context }: { context: Readonly<RouterContextProvider> }) {
  let deadline = context.get(deadlineContext)
  if (deadline === null) context.set(deadlineContext, (deadline = newDeadline()))
  return deadline
}

/** Whom a per-user statement is for. */
export interface DatabaseUser {
  id: string
  /**
   * The session token Clerk verified for this request, which Neon RLS has the database check;
   * null for work done for no signed-in user (Clerk's webhook), which takes the app's role switch.
   */
  sessionToken: string | null
}

/**
 * Runs one statement for `user`, in one transaction (one HTTP round trip on Neon), so row-level
 * security admits only that user's rows whatever the statement says. Every per-user query goes
 * through here. With Neon RLS it runs as `authenticated` with the user's session token; else the
 * transaction first switches to quotebook_app and sets app.user_id.
 *
 * Past the deadline the request to the database is aborted. Postgres gives up on the statement
 * a little before that (statement_timeout, from the time left), so a slow statement is rolled
 * back on the server too; the local transport also cancels it and cuts the connection.
 */
export async function asUser<Row>(
  user: DatabaseUser,
  deadline: Deadline,
  statement: NeonQueryPromise<false, false, Row[]>,
): Promise<Row[]> {
  const [rows] = await asUserAll(user, deadline, [statement as unknown as Statement])
  return rows as Row[]
}

type Statement = NeonQueryPromise<false, false, Record<string, unknown>[]>

/** As `asUser`, for several statements in the same transaction: the rows of each, in order. */
export async function asUserAll(
  user: DatabaseUser,
  deadline: Deadline,
  statements: Statement[],
): Promise<Record<string, unknown>[][]> {
  const { signal, endsAt } = await deadline
  const statementTimeout = `${Math.max(50, Math.floor((endsAt - Date.now()) * 0.8))}ms`
  if (authenticatedConnectionString !== undefined && user.sessionToken !== null) {
    // A client per request costs nothing (no connection); the token is the request's own. The
    // driver takes a transaction's token only from neon()'s options.
    const asTokenUser = neon({
      connectionString: authenticatedConnectionString,
      authToken: user.sessionToken,
    })
    const [, ...results] = await asTokenUser.transaction(
      [sql`select set_config('statement_timeout', ${statementTimeout}, true)`, ...statements],
      { fetchOptions: { signal } },
    )
    return results as Record<string, unknown>[][]
  }
  const [, ...results] = await sql.transaction(
    [
      sql`select set_config('role', 'quotebook_app', true),
                 set_config('app.user_id', ${user.id}, true),
                 set_config('statement_timeout', ${statementTimeout}, true)`,
      ...statements,
    ],
    { fetchOptions: { signal } },
  )
  return results as Record<string, unknown>[][]
}

const sessionRow = z.object({ user: z.string(), superuser: z.boolean() })

const tokenSetupRow = z.object({
  policy: z.boolean(),
  grants: z.boolean(),
  user_id_from: z.enum(['pg_session_jwt', 'stand-in', 'missing']),
})

/**
 * What every signed-in page needs of the database, in one round trip and within the deadline:
 * the session's user, the switch to quotebook_app that row-level security rests on, the table,
 * and with Neon RLS what its policy rests on. Used by /healthz, and at start-up in production
 * (db/startup-check.server.ts).
 */
export async function checkDatabase(): Promise<
  z.infer<typeof sessionRow> & { tokens: TokenSetup | null }
> {
  const tokens = rowLevelSecurity === 'token'
  const [rows, ...rest] = await sql.transaction(
    [
      sql`select current_user as user, current_setting('is_superuser') = 'on' as superuser`,
      ...(tokens
        ? [
            sql`select
              exists (select from pg_policies where schemaname = 'public'
                and tablename = 'user_messages' and policyname = 'user_messages_token_owner'
                and 'authenticated' = any (roles)) as policy,
              coalesce((select (has_database_privilege(oid, current_database(), 'connect')
                    -- Off Neon the local transport logs in as the owner (sql/00005).
                    or not exists (select from pg_available_extensions
                      where name = 'pg_session_jwt'))
                  and has_table_privilege(oid, 'public.user_messages', 'select')
                  and has_table_privilege(oid, 'public.user_messages', 'insert')
                  and has_table_privilege(oid, 'public.user_messages', 'update')
                  and has_table_privilege(oid, 'public.user_messages', 'delete')
                  and not (rolsuper or rolbypassrls)
                from pg_roles where rolname = 'authenticated'), false)
                and (select relrowsecurity and relforcerowsecurity from pg_class
                  where oid = 'public.user_messages'::regclass) as grants,
              coalesce((select coalesce(e.extname, 'stand-in')
                from pg_proc p
                join pg_namespace n on n.oid = p.pronamespace
                left join pg_depend d on d.classid = 'pg_proc'::regclass and d.objid = p.oid
                  and d.deptype = 'e'
                left join pg_extension e on e.oid = d.refobjid
                where n.nspname = 'auth' and p.proname = 'user_id' and p.pronargs = 0
                limit 1), 'missing') as user_id_from`,
          ]
        : []),
      sql`select set_config('role', 'quotebook_app', true)`,
      sql`select 1 from user_messages limit 0`,
    ],
    { fetchOptions: { signal: (await newDeadline()).signal } },
  )
  const setup = tokens ? tokenSetupRow.parse(rest[0]?.[0]) : null
  return {
    ...sessionRow.parse(rows?.[0]),
    tokens: setup && {
      policy: setup.policy,
      grants: setup.grants,
      userIdFrom: setup.user_id_from,
    },
  }
}

/**
 * Settles once the embedded database has opened, or throws why it cannot (another process holds
 * its directory); at once for any other database. The server waits on it before listening.
 */
export async function databaseOpened(): Promise<void> {
  await opening
}

/** The server's major version (15, 16, …), for advice whose SQL differs between them. */
export async function databaseMajorVersion(): Promise<number> {
  const [row] = await sql`select current_setting('server_version_num')::int / 10000 as major`
  return z.object({ major: z.number() }).parse(row).major
}

/** The database the app connects to, by name, for messages about it. */
export const databaseName = () =>
  decodeURIComponent(
    new URL(env.DATABASE_URL ?? 'postgresql://localhost/postgres').pathname.slice(1),
  )

/** The user the app's database connection is, for messages about it (never the password). */
export const databaseUser = () =>
  decodeURIComponent(
    new URL(env.DATABASE_URL ?? `postgresql://${EMBEDDED_OWNER}@localhost`).username,
  )

/**
 * Lets go of every connection the client holds: the local transport's pools and the embedded
 * database, which is closed cleanly so its files stay consistent. Over HTTPS to Neon there is
 * nothing to close. For a clean shutdown (app/server.ts).
 */
export async function closeDatabase(): Promise<void> {
  await closeLocalTransport()
  await closeEmbeddedDatabases()
}
