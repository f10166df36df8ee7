import { connect } from 'node:net'
import postgres from 'postgres'

/**
 * The local transport's connections (local-transport.server.ts): postgres.js clients, pooled per
 * connection string, each keeping its prepared statements, and cancelled as Neon's proxy cancels.
 */

// How many distinct query texts a pool keeps prepared; past it, texts go unprepared. The app's
// own queries are a few fixed texts.
const MAX_PREPARED_TEXTS = 200

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

/** One connection to the database, used by one request at a time. */
export interface Connection {
  sql: postgres.Sql
  /** Not yet used since postgres.js opened its socket (it opens a new one after an idle close). */
  freshSocket: boolean
  /** Whether the connection must not serve another request (its reset failed). */
  spoiled: boolean
}

/**
 * Connections to one database, each a postgres.js client of its own (max 1), so that one can be
 * destroyed without touching the others, and a transaction can be sent as plain statements.
 * As many as the URL's `max` says (the embedded database's URL says 1), else 10.
 *
 * Each connection keeps the statements with parameters it has run prepared (postgres.js names
 * and caches them), so the next run of the same text is one round trip (Bind and Execute), where
 * it would otherwise wait for its own Parse and Describe first: for a page, 4 round trips to
 * Postgres instead of 8.
 * Neon's proxy prepares nothing across requests. The app's queries cannot tell the difference;
 * the kept statements do show in pg_prepared_statements (see RESET_SESSION for the app's own).
 */
export class ConnectionPool {
  private readonly idle: Connection[] = []
  private readonly waiting: ((connection: Connection | Error) => void)[] = []
  private readonly preparedTexts = new Set<string>()
  private open = 0
  private ended = false
  private readonly size: number

  /** The user the connection string logs in as. */
  readonly user: string

  /**
   * Makes the session's user the URL's again. Without a parameter, so that it is sent whole with
   * the reset and BEGIN, and is never a kept statement that could go stale (on PGlite, a
   * DEALLOCATE ALL from any socket reaches it). The user is the operator's setting, quoted as a
   * literal (standard_conforming_strings is on: the reset before it restores the default).
   */
  readonly restoreUser: string

  constructor(readonly connectionString: string) {
    const url = new URL(connectionString)
    this.size = Number(url.searchParams.get('max')) || 10
    this.user = decodeURIComponent(url.username) || 'postgres'
    this.restoreUser = `select set_config('session_authorization', '${this.user.replaceAll("'", "''")}', false)`
  }

  /**
   * Whether a text is kept prepared: one with parameters, among the first MAX_PREPARED_TEXTS
   * such texts. One without parameters gains nothing from it: postgres.js sends it unnamed, in
   * one go, without waiting for a Describe.
   */
  mayPrepare(text: string, parameters: number): boolean {
    if (parameters === 0) return false
    if (this.preparedTexts.has(text)) return true
    if (this.preparedTexts.size >= MAX_PREPARED_TEXTS) return false
    this.preparedTexts.add(text)
    return true
  }

  private connect(): Connection {
    this.open += 1
    const connection = { spoiled: false, freshSocket: true } as Connection
    connection.sql = postgres(this.connectionString, {
      max: 1,
      types: rawText,
      fetch_types: false,
      // Per query: see mayPrepare.
      prepare: true,
      onnotice: () => {},
      // postgres.js opens a new socket for the next query; its statements start anew.
      onclose: () => {
        connection.freshSocket = true
      },
      idle_timeout: 30,
      connect_timeout: 5,
    })
    return connection
  }

  acquire(signal: AbortSignal | null | undefined): Promise<Connection> {
    if (this.ended) return Promise.reject(new Error('The local transport was closed'))
    const ready = this.idle.pop()
    if (ready) return Promise.resolve(ready)
    if (this.open < this.size) return Promise.resolve(this.connect())
    return new Promise((resolve, reject) => {
      const hand = (connection: Connection | Error) => {
        signal?.removeEventListener('abort', giveUp)
        if (connection instanceof Error) reject(connection)
        else resolve(connection)
      }
      const giveUp = () => {
        this.waiting.splice(this.waiting.indexOf(hand), 1)
        reject(signal!.reason)
      }
      signal?.addEventListener('abort', giveUp, { once: true })
      this.waiting.push(hand)
    })
  }

  release(connection: Connection) {
    if (this.ended || connection.spoiled) {
      this.destroy(connection)
      return
    }
    const next = this.waiting.shift()
    if (next) next(connection)
    else this.idle.push(connection)
  }

  /** Closes the connection at once, whatever it is doing, and lets a waiting request open one. */
  destroy(connection: Connection) {
    this.open -= 1
    void connection.sql.end({ timeout: 0 }).catch(() => {})
    const next = this.ended ? undefined : this.waiting.shift()
    if (next) next(this.connect())
  }

  /** Closes the idle connections now; a busy one closes when its request releases it. */
  async end() {
    this.ended = true
    for (const hand of this.waiting.splice(0)) hand(new Error('The local transport was closed'))
    const all = this.idle.splice(0)
    this.open -= all.length
    await Promise.all(all.map((connection) => connection.sql.end({ timeout: 1 })))
  }
}

const pools = new Map<string, ConnectionPool>()

export function poolFor(connectionString: string): ConnectionPool {
  // One pool per URL as the URL parser writes it (the driver and the token roles' login spell
  // the same URL alike): on the embedded database a second pool would be a second socket into
  // its one session.
  connectionString = new URL(connectionString).href
  let pool = pools.get(connectionString)
  if (pool === undefined) {
    pool = new ConnectionPool(connectionString)
    pools.set(connectionString, pool)
  }
  return pool
}

export function connectionFailure(error: unknown): 'connect' | 'lost' | null {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return null
  if (/^(ECONNREFUSED|ENOENT|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|CONNECT_TIMEOUT)$/.test(code)) {
    return 'connect'
  }
  if (/^(ECONNRESET|EPIPE|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED)$/.test(code)) {
    return 'lost'
  }
  return null
}

/**
 * Postgres' CancelRequest for the backend running a statement, on a connection of its own, as
 * Neon's proxy sends it. Its failures are ignored: the connection is cut either way. (postgres.js'
 * own cancel() leaves an error of that connection unhandled, which would end the process.)
 */
export function sendCancelRequest(
  connectionString: string,
  { pid, secret }: { pid: number; secret: number },
) {
  const url = new URL(connectionString)
  const socketDir = url.searchParams.get('host')
  const port = Number(url.port) || 5432
  const socket = socketDir?.startsWith('/')
    ? connect(`${socketDir}/.s.PGSQL.${port}`)
    : connect(port, url.hostname.replace(/^\[|\]$/g, ''))
  socket.on('error', () => socket.destroy())
  socket.setTimeout(5_000, () => socket.destroy())
  socket.once('connect', () => {
    const request = Buffer.alloc(16)
    request.writeInt32BE(16, 0)
    request.writeInt32BE(80877102, 4)
    // The key is two 32-bit words; postgres.js may read the secret as unsigned (above 2^31).
    request.writeUInt32BE(pid >>> 0, 8)
    request.writeUInt32BE(secret >>> 0, 12)
    socket.end(request)
  })
}

/** Closes every pool, so a process (or a test) can exit without waiting for idle timeouts. */
export async function closeLocalTransport(): Promise<void> {
  const open = [...pools.values()]
  pools.clear()
  await Promise.all(open.map((pool) => pool.end()))
}
