import postgres from 'postgres'

/**
 * Neon's SQL-over-HTTP protocol, served in-process against a local Postgres through postgres.js.
 *
 * It is installed as `neonConfig.fetchFunction`, so the real `neon()` driver builds the
 * requests, serializes the parameters and parses the answers exactly as it does against Neon.
 * Only the hop between the driver and the database differs.
 *
 * Request:  {query, params} or {queries: [{query, params}, ...]} (sql.transaction)
 * Response: {fields: [{name, dataTypeID}], rows: [[text, ...]], command, rowCount}
 *           or {results: [...]} for a batch
 * Error:    HTTP 400 with the Postgres error fields, which the driver turns into NeonDbError.
 */

interface NeonQuery {
  query: string
  params: (string | null)[]
}

type NeonRequest = NeonQuery | { queries: NeonQuery[] }

const isolationLevels: Record<string, string> = {
  ReadUncommitted: 'read uncommitted',
  ReadCommitted: 'read committed',
  RepeatableRead: 'repeatable read',
  Serializable: 'serializable',
}

// postgres.js parses and serializes values by type OID; the driver must see Postgres' own text
// and send its own text, so every built-in conversion becomes the identity. Array types get no
// parser either, because `fetch_types: false` skips the catalogue lookup that would add them.
const identity = (value: unknown) => value
const asText = (oids: number[], to = 0) => ({
  to,
  from: oids,
  serialize: identity,
  parse: identity,
})
const rawText = {
  string: asText([], 25),
  number: asText([21, 23, 26, 700, 701]),
  json: asText([114, 3802], 114),
  boolean: asText([16], 16),
  date: asText([1082, 1114, 1184], 1184),
  bytea: asText([17], 17),
}

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** True for a connection string that points at this machine: a loopback host or a unix socket. */
export function isLocalDatabaseUrl(connectionString: string): boolean {
  const url = new URL(connectionString)
  return localHosts.has(url.hostname) || (url.searchParams.get('host') ?? '').startsWith('/')
}

const pools = new Map<string, postgres.Sql>()

function poolFor(connectionString: string): postgres.Sql {
  let pool = pools.get(connectionString)
  if (pool === undefined) {
    pool = postgres(connectionString, {
      types: rawText,
      fetch_types: false,
      // Statements arrive as arbitrary text; caching each one would grow without bound.
      prepare: false,
      onnotice: () => {},
      idle_timeout: 30,
      connect_timeout: 5,
    })
    pools.set(connectionString, pool)
  }
  return pool
}

async function run(sql: postgres.Sql | postgres.TransactionSql, { query, params }: NeonQuery) {
  // With the identity parsers above, every value is Postgres' text or null.
  const result = await sql.unsafe(query, params).values()
  return {
    fields: (result.columns ?? []).map((column) => ({
      name: column.name,
      dataTypeID: column.type,
    })),
    rows: Array.from(result) as (string | null)[][],
    command: result.command,
    rowCount: result.count ?? 0,
    rowAsArray: true,
  }
}

function transactionMode(headers: Headers): string {
  const modes: string[] = []
  const level = headers.get('Neon-Batch-Isolation-Level')
  if (level !== null) {
    const sqlLevel = isolationLevels[level]
    if (sqlLevel === undefined) throw new TypeError(`Unknown isolation level: ${level}`)
    modes.push(`isolation level ${sqlLevel}`)
  }
  const readOnly = headers.get('Neon-Batch-Read-Only')
  if (readOnly !== null) modes.push(readOnly === 'true' ? 'read only' : 'read write')
  const deferrable = headers.get('Neon-Batch-Deferrable')
  if (deferrable !== null) modes.push(deferrable === 'true' ? 'deferrable' : 'not deferrable')
  return modes.join(' ')
}

const errorFields = {
  severity: 'severity',
  code: 'code',
  detail: 'detail',
  hint: 'hint',
  position: 'position',
  internalPosition: 'internal_position',
  internalQuery: 'internal_query',
  where: 'where',
  schema: 'schema_name',
  table: 'table_name',
  column: 'column_name',
  dataType: 'data_type_name',
  constraint: 'constraint_name',
  file: 'file',
  line: 'line',
  routine: 'routine',
} as const

function errorBody(error: postgres.PostgresError) {
  const body: Record<string, unknown> = { message: error.message }
  for (const [neonName, postgresName] of Object.entries(errorFields)) {
    const value = (error as unknown as Record<string, unknown>)[postgresName]
    if (value !== undefined) body[neonName] = value
  }
  return body
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
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
  const request = JSON.parse(String(init.body)) as NeonRequest
  const sql = poolFor(connectionString)
  try {
    const body =
      'queries' in request
        ? await abortable(
            sql.begin(transactionMode(headers), async (transaction) => {
              const results = []
              for (const query of request.queries) results.push(await run(transaction, query))
              return { results }
            }),
            init.signal,
          )
        : await abortable(run(sql, request), init.signal)
    return Response.json(body)
  } catch (error) {
    if (error instanceof postgres.PostgresError) {
      return Response.json(errorBody(error), { status: 400 })
    }
    // A connection failure, like a failed fetch to Neon: the driver wraps it in a NeonDbError.
    throw error
  }
}

/** Closes every pool, so a process (or a test) can exit without waiting for idle timeouts. */
export async function closeLocalTransport(): Promise<void> {
  const open = [...pools.values()]
  pools.clear()
  await Promise.all(open.map((pool) => pool.end({ timeout: 1 })))
}
