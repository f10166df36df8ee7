import { neon, neonConfig, type NeonQueryPromise } from '@neondatabase/serverless'
import { env } from '../env.server'
import { logLine } from '../http/log.server'
import { createContext, type RouterContextProvider } from 'react-router'
import { z } from 'zod'
import { closeEmbeddedDatabases, EMBEDDED_OWNER, embeddedDatabase } from './embedded.server'
import { closeLocalTransport } from './local-pool.server'
import { isLocalDatabaseUrl, localTransport } from './local-transport.server'

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

function connectionString(): string | (() => Promise<string>) {
  // The embedded database's port is known only once it listens; neon() resolves it per query.
  if (env.DATABASE_URL === undefined) {
    neonConfig.fetchFunction = localTransport
    const database = embeddedDatabase(env.QUOTEBOOK_DATA_DIR)
    // Report a database that cannot open (its directory owned by another process, say) at
    // start-up; every query then fails with the same error until the process restarts.
    database.catch((error: unknown) => {
      logLine('error', { message: error instanceof Error ? error.message : String(error) })
      process.exitCode = 1
    })
    opening = database
    started = database.catch(() => {})
    return async () => (await database).url
  }
  if (isLocalDatabaseUrl(env.DATABASE_URL)) neonConfig.fetchFunction = localTransport
  return env.DATABASE_URL
}

export const sql = neon({ connectionString: connectionString() })

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

/**
 * Runs one statement as `userId`: in one transaction (one HTTP round trip on Neon) that first
 * switches to the quotebook_app role and sets app.user_id, so row-level security admits only
 * that user's rows whatever the statement says. Every per-user query goes through here.
 *
 * Past the deadline the request to the database is aborted. Postgres gives up on the statement
 * a little before that (statement_timeout, from the time left), so a slow statement is rolled
 * back on the server too; the local transport also cancels it and cuts the connection.
 */
export async function asUser<Row>(
  userId: string,
  deadline: Deadline,
  statement: NeonQueryPromise<false, false, Row[]>,
): Promise<Row[]> {
  const [rows] = await asUserAll(userId, deadline, [statement as unknown as Statement])
  return rows as Row[]
}

type Statement = NeonQueryPromise<false, false, Record<string, unknown>[]>

/** As `asUser`, for several statements in the same transaction: the rows of each, in order. */
export async function asUserAll(
  userId: string,
  deadline: Deadline,
  statements: Statement[],
): Promise<Record<string, unknown>[][]> {
  const { signal, endsAt } = await deadline
  const statementTimeout = `${Math.max(50, Math.floor((endsAt - Date.now()) * 0.8))}ms`
  const [, ...results] = await sql.transaction(
    [
      sql`select set_config('role', 'quotebook_app', true),
                 set_config('app.user_id', ${userId}, true),
                 set_config('statement_timeout', ${statementTimeout}, true)`,
      ...statements,
    ],
    { fetchOptions: { signal } },
  )
  return results as Record<string, unknown>[][]
}

const sessionRow = z.object({ user: z.string(), superuser: z.boolean() })

/**
 * What every signed-in page needs of the database, in one round trip and within the deadline:
 * the session's user, the switch to quotebook_app that row-level security rests on, and the
 * table. Used by /healthz, and at start-up in production (db/startup-check.server.ts).
 */
export async function checkDatabase(): Promise<z.infer<typeof sessionRow>> {
  const [rows] = await sql.transaction(
    [
      sql`select current_user as user, current_setting('is_superuser') = 'on' as superuser`,
      sql`select set_config('role', 'quotebook_app', true)`,
      sql`select 1 from user_messages limit 0`,
    ],
    { fetchOptions: { signal: (await newDeadline()).signal } },
  )
  return sessionRow.parse(rows?.[0])
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
