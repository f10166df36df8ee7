import postgres from 'postgres'
import {
  type ConnectionPool,
  connectionFailure,
  poolFor,
  sendCancelRequest,
} from './local-pool.server'
import {
  answer,
  errorBody,
  isolationLevels,
  MAX_PARAMETERS,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  type NeonQuery,
  type NeonRequest,
  postgresErrorResponse,
  startTransaction,
} from './neon-protocol.server'
import { checkBearer, TOKEN_ROLES, type TokenTrust } from './neon-jwt.server'

/**
 * Neon's SQL-over-HTTP protocol, served in-process against a local Postgres through postgres.js.
 *
 * It is installed as `neonConfig.fetchFunction`, so the real `neon()` driver builds the
 * requests, serializes the parameters and parses the answers exactly as it does against Neon.
 * Only the hop between the driver and the database differs, and it behaves as Neon's proxy does
 * (neondatabase/neon, proxy/src/serverless/sql_over_http.rs, read at 6a35a3e):
 *
 * - every query uses the extended protocol, even without parameters, so a text with several
 *   statements is refused (42601) and runs nothing;
 * - a connection is reset before each use (`ROLLBACK; … SET SESSION AUTHORIZATION DEFAULT;
 *   RESET ALL; …`), so no session state crosses from one request to the next;
 * - a transaction's statements run in order, and COMMIT is sent only once all of them have
 *   succeeded; when the request is aborted, the statement in flight is cancelled and the
 *   connection destroyed, so its transaction can never commit;
 * - errors come back as Neon sends them: 400 with the 17 fields of a Postgres error, 400 without
 *   a code for a refused password, 500 for a database that cannot be reached, 413 and 507 past
 *   the 10 MiB limits;
 * - `command` is the first word of the command tag, and `rowCount` null when the tag has none.
 */

// postgres.js reads `simple` (src/index.js, unsafe()): true sends a Query message (the simple
// protocol), false Parse/Bind/Execute. Its type declarations leave the option out. unsafe()
// prepares nothing unless asked (`prepare: true`); unprepared and without parameters, a query
// is sent whole (Parse, Describe, Bind, Execute, Sync) without waiting for anything.
const SIMPLE = { simple: true } as postgres.UnsafeQueryOptions
const UNPREPARED = { simple: false, prepare: false } as postgres.UnsafeQueryOptions

// What Neon's pool sends when a connection is returned (tokio-postgres2 client.rs,
// reset_session_background): one simple query, its errors never looked at. All but its
// DEALLOCATE ALL, which would also drop the statements this transport keeps prepared (see
// ConnectionPool), and on PGlite, one session under every socket, those of every other socket
// too. What it is there for, the statements a request prepared with SQL's PREPARE, is dropped by
// DEALLOCATE_FROM_SQL instead.
const RESET_SESSION =
  'ROLLBACK; CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; ' +
  'UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES'

// Drops the statements of the session made by SQL's PREPARE, and none made through the protocol
// (the transport's own). Sent after a request whose text could prepare one, and as a new
// socket's first statement: on PGlite an aborted request's PREPARE outlives its socket.
const DEALLOCATE_FROM_SQL = `do $$ declare statement record; begin
  for statement in select name from pg_prepared_statements where from_sql loop
    execute format('deallocate %I', statement.name);
  end loop; end $$`

// Text that can make, drop or discard prepared statements of the session: PREPARE, DEALLOCATE,
// DISCARD ALL. Cast wide: a false match only costs a connection.
const touchesPreparedStatements = /\b(?:prepare|deallocate|discard)\b/i

// Why postgres.js retries a prepared statement that went stale: dropped, or its table altered
// (a migration while the server runs). In a transaction the retry cannot succeed.
// (transformAssignedExpr: a column's type changed under a kept INSERT or UPDATE.)
const staleStatementRoutines = new Set([
  'FetchPreparedStatement',
  'RevalidateCachedQuery',
  'transformAssignedExpr',
])

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** True for a connection string that points at this machine: a loopback host or a unix socket. */
export function isLocalDatabaseUrl(connectionString: string): boolean {
  const url = new URL(connectionString)
  return localHosts.has(url.hostname) || (url.searchParams.get('host') ?? '').startsWith('/')
}

/** The query in flight on a connection, so an abort can cancel it. */
type InFlight = { current?: { state?: { pid: number; secret: number } } }

/** One request's use of a connection. */
interface Session {
  sql: postgres.Sql
  pool: ConnectionPool
  inFlight: InFlight
}

/**
 * Sends one query, and gives its result as Neon's proxy does.
 */
async function run({ sql, pool, inFlight }: Session, { query, params = [] }: NeonQuery) {
  // `simple: false`: the extended protocol, as Neon's proxy always uses, even with no parameter.
  const prepare = pool.mayPrepare(query, params.length)
  const options = { simple: false, prepare } as postgres.UnsafeQueryOptions
  const pending = sql.unsafe(query, params, options)
  // The first query sent holds the connection's cancel key, which every query on it shares;
  // one still waiting in postgres.js' queue has none.
  inFlight.current ??= pending as InFlight['current']
  // With the identity parsers above, every value is Postgres' text or null.
  const result = await pending.values()
  const tag = result.command ?? ''
  return {
    fields: (result.columns ?? []).map((column) => ({
      name: column.name,
      dataTypeID: column.type,
      tableID: column.table,
      columnID: column.number,
      format: 'text',
    })),
    rows: Array.from(result) as (string | null)[][],
    // Neon: the first word of the command tag; the count, or null for a tag without one.
    command: tag.split(' ')[0] ?? '',
    rowCount: result.count ?? null,
    rowAsArray: true,
  }
}

/**
 * A transaction as Neon's proxy sends it: BEGIN (with the connection's reset, in one write),
 * then each statement once the one before it has answered, then COMMIT once all have
 * succeeded, so that a request aborted before then commits nothing. A statement kept prepared
 * is one write and one round trip (Bind, Execute); for a page, 4 round trips in all.
 * Not all at once: postgres.js retries a kept statement that went stale by sending it again
 * behind those already sent, and a statement sent after it then waits for ever.
 */
async function runBatch(
  session: Session,
  headers: Headers,
  queries: NeonQuery[],
  asRole: string | undefined,
) {
  const { sql } = session
  // A switch that fails aborts the transaction, so nothing runs as the login user instead.
  const begin = startTransaction(headers)
  await sql.unsafe(asRole === undefined ? begin : `${begin}; ${asRole}`, [], SIMPLE)
  try {
    const results = []
    for (const query of queries) results.push(await run(session, query))
    await sql.unsafe('commit', [], SIMPLE)
    return { results }
  } catch (error) {
    // Undo what ran, unless the connection is gone (it rolls back by itself then). A failed
    // rollback changes nothing for the caller: the original error is the answer.
    if (connectionFailure(error) === null) await sql.unsafe('rollback', [], SIMPLE).catch(() => {})
    throw error
  }
}

/**
 * A `fetch` for `neonConfig.fetchFunction`. It connects to the database the driver names in the
 * Neon-Connection-String header, and refuses any that is not on this machine.
 */
export async function localTransport(
  _endpoint: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers)
  const connectionString = headers.get('Neon-Connection-String')
  if (connectionString === null || !isLocalDatabaseUrl(connectionString)) {
    throw new TypeError('The local transport only serves databases on this machine')
  }
  const text = String(init.body)
  if (Buffer.byteLength(text) > MAX_REQUEST_BYTES) {
    return answer(413, errorBody(`request is too large (max is ${MAX_REQUEST_BYTES} bytes)`))
  }
  const level = headers.get('Neon-Batch-Isolation-Level')
  if (level !== null && isolationLevels[level] === undefined) {
    return answer(400, errorBody('invalid isolation level'))
  }
  const request = JSON.parse(text) as NeonRequest
  // postgres.js refuses a statement with this many parameters by failing the one it is running,
  // not that one: refused here, before anything is sent. (Postgres itself takes 65,535.)
  const queries = 'queries' in request ? request.queries : [request]
  if (queries.some(({ params = [] }) => params.length > MAX_PARAMETERS)) {
    return answer(400, errorBody(`too many parameters (max is ${MAX_PARAMETERS})`))
  }
  // Neon's auth broker: a request as a role its JWKS is mapped to, or with a token at all, runs
  // only with a verified token, as that role, with the token's claims.
  const role = decodeURIComponent(new URL(connectionString).username)
  const authorization = headers.get('Authorization')
  let login = connectionString
  let asRole: string | undefined
  if (authorization !== null || TOKEN_ROLES.has(role)) {
    const checked = checkBearer(authorization, role, tokens?.trust)
    if ('refused' in checked) return answer(400, errorBody(checked.refused))
    login = tokens!.login(connectionString)
    asRole = switchTo(role, checked.claims)
  }
  init.signal?.throwIfAborted()
  const pool = poolFor(login)
  // Statements the request itself could prepare would outlive it (see RESET_SESSION).
  const preparesItself = queries.some(({ query }) => touchesPreparedStatements.test(query))
  // A second attempt, after STALE (nothing of the request ran, and its connection is gone), is
  // answered whatever happens.
  for (let retried = false; ; retried = true) {
    const answered = await answerOnConnection(pool, headers, request, init.signal, {
      preparesItself,
      retried,
      asRole,
    })
    if (answered !== STALE) return answered
  }
}

/**
 * How the transport serves the roles of Neon RLS, as Neon's proxy is configured with a project's
 * JWKS: the keys tokens are checked against, and the login that then switches to the role (Neon
 * logs in as it; here it is NOLOGIN, so the owner logs in and switches).
 */
export interface TokenRoles {
  trust: TokenTrust
  /** The connection string to log in with, for one that names a token role. */
  login: (connectionString: string) => string
}

let tokens: TokenRoles | undefined

/** Configures the roles of Neon RLS; without it, every token is refused ("jwk not found"). */
export function serveTokenRoles(roles: TokenRoles | undefined): void {
  tokens = roles
}

// The statement that makes the transaction the role's, with the verified claims where
// pg_session_jwt's fallback (and the stand-in auth.user_id(), sql/00005) reads them. Literals,
// not parameters, so that it is sent with BEGIN in one write; the role is one of TOKEN_ROLES
// and the claims were signed by a trusted key.
const switchTo = (role: string, claims: Record<string, unknown>) =>
  `select set_config('role', ${literal(role)}, true), ` +
  `set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true)`

// A string literal: standard_conforming_strings is on (the reset restores the default).
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`

const STALE = Symbol('a kept statement went stale')

async function answerOnConnection(
  pool: ConnectionPool,
  headers: Headers,
  request: NeonRequest,
  signal: AbortSignal | null | undefined,
  {
    preparesItself,
    retried,
    asRole,
  }: { preparesItself: boolean; retried: boolean; asRole: string | undefined },
): Promise<Response | typeof STALE> {
  const { connectionString } = pool
  const connection = await pool.acquire(signal)
  const inFlight: InFlight = {}
  const session: Session = { sql: connection.sql, pool, inFlight }
  let destroyed = false
  const abandon = () => {
    // Cancel what runs, then cut the connection: a transaction whose COMMIT was never sent can
    // only roll back, whatever reaches the server later.
    destroyed = true
    const state = inFlight.current?.state
    if (state) sendCancelRequest(pool.connectionString, state)
    pool.destroy(connection)
  }
  signal?.addEventListener('abort', abandon, { once: true })
  if (signal?.aborted) abandon()
  try {
    // Neon resets a connection as it goes back to its pool, without waiting for the answer; here
    // it is sent when the connection is taken again, ahead of the request's first statement.
    // A new socket's first reset also drops what SQL's PREPARE left in the session: on PGlite,
    // one session under every socket, an aborted request's; on a server its session is new.
    const reset = connection.sql
      .unsafe(
        connection.freshSocket ? `${RESET_SESSION}; ${DEALLOCATE_FROM_SQL}` : RESET_SESSION,
        [],
        SIMPLE,
      )
      .execute()
    connection.freshSocket = false
    // Then the session's user is the URL's, as a login makes it: a no-op on a server, where it
    // is the login user already (DEFAULT), and the owner again on the embedded PGlite, whose one
    // session logs in as its bootstrap superuser and is made the owner (embedded.server.ts).
    const restored = connection.sql.unsafe(pool.restoreUser, [], UNPREPARED).execute()
    // A reset that failed left its effects undone (one simple query is one transaction): the
    // request goes on, as on Neon, but the connection serves no other.
    void Promise.all([reset, restored]).catch(() => (connection.spoiled = true))
    // As a token's role, a lone query runs in a transaction too, which the role switch opens.
    const work: Promise<unknown> =
      'queries' in request
        ? runBatch(session, headers, request.queries, asRole)
        : asRole === undefined
          ? run(session, request)
          : runBatch(session, headers, [request], asRole).then(({ results }) => results[0])
    const body = await abortable(work, signal)
    const json = JSON.stringify(body)
    if (Buffer.byteLength(json) > MAX_RESPONSE_BYTES) {
      return answer(507, errorBody(`response is too large (max is ${MAX_RESPONSE_BYTES} bytes)`))
    }
    return new Response(json, { headers: { 'Content-Type': 'application/json' } })
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    if (error instanceof postgres.PostgresError) {
      // A statement this connection kept prepared is gone, or its table was altered (a migration
      // while the server runs); it failed before running, and its transaction rolled back. The
      // connection goes, with every statement it keeps, and the request is tried once more.
      // postgres.js sometimes reports it as the 25P02 of its own retry inside the aborted
      // transaction; as the first failure of a transaction BEGIN has just opened, 25P02 can mean
      // nothing else.
      const stale =
        staleStatementRoutines.has(error.routine ?? '') ||
        (error.code === '25P02' && 'queries' in request)
      if (!retried && stale) {
        connection.spoiled = true
        return STALE
      }
      return postgresErrorResponse(error, connectionString)
    }
    const failure = connectionFailure(error)
    if (failure !== null) {
      if (!destroyed) {
        destroyed = true
        pool.destroy(connection)
      }
      // Neon answers 500 for a compute it cannot reach, and 400 (without a code) for a
      // connection lost mid-query.
      return failure === 'connect'
        ? answer(500, errorBody("Couldn't connect to compute node"))
        : answer(400, errorBody('connection closed'))
    }
    throw error
  } finally {
    signal?.removeEventListener('abort', abandon)
    if (!destroyed) {
      if (preparesItself) {
        // What Neon's DEALLOCATE ALL is there for, after this request only. Its text could also
        // have dropped the connection's own statements (DEALLOCATE ALL, DISCARD ALL), so the
        // connection goes too.
        await connection.sql.unsafe(DEALLOCATE_FROM_SQL, [], SIMPLE).catch(() => {})
        connection.spoiled = true
      }
      pool.release(connection)
    }
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
