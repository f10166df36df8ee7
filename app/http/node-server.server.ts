import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http'
import type { Duplex } from 'node:stream'
import { performance } from 'node:perf_hooks'
import { writeReadableStreamToWritable } from '@react-router/node'
import { createRequestHandler, RouterContextProvider, type ServerBuild } from 'react-router'
import {
  checkDatabase,
  closeDatabase,
  databaseMajorVersion,
  databaseName,
  databaseUser,
} from '../db/client.server'
import { setupFailure } from '../db/errors.server'
import { env } from '../env.server'
import { originFromHost, requestHeaders, requestTarget } from './incoming.server'
import { describeError, type Level, logLine, requestInScope, routeConsoleToLog } from './log.server'
import {
  appHeaderList,
  appHeaderNames,
  CROSS_SITE_REFUSAL,
  isCrossSiteWrite,
} from './front-door.server'
import {
  newRequestIdentity,
  type RequestIdentity,
  requestIdentityContext,
} from './request-context.server'
import { chooseEncoding, loadStaticFiles, matchesIfNoneMatch } from './static-files.server'

/**
 * Quotebook's production server: `node:http`, the browser build from memory, and React Router's
 * request handler for everything else. Per request it makes the id and the CSP nonce, rebuilds
 * the URL on the public origin (APP_URL), refuses what no route could accept (an unknown method,
 * a malformed address, a cross-site form post), puts the app's headers on every response, and
 * writes one JSON log line. See app/README.md ("Quotebook's own server") for why not Express.
 */

const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST'])
// The server's methods, for every path; a route without an action narrows its own 405 to GET and
// HEAD (responseHeaderList).
const ALLOW = 'GET, HEAD, POST'
// In-flight requests get this long to finish after SIGTERM before their connections are cut.
const DRAIN_MS = 10_000
const production = env.NODE_ENV === 'production'

/** What one request's log line says; filled in as the request is handled. */
interface RequestRecord {
  identity: RequestIdentity
  method: string
  path: string
  started: number
  /** Why the server itself refused the request, if it did. */
  reason?: string
  /** The status of an answer Node's parser made us write on the raw socket (clientError). */
  rawStatus?: number
  /** Its line is written: a request is logged once, whatever ended it. */
  logged?: boolean
}

interface Options {
  /** The browser build: build/client. */
  clientDirectory: string
}

export async function serve(build: ServerBuild, { clientDirectory }: Options): Promise<Server> {
  routeConsoleToLog()
  plainEnvironment()
  const handleRequest = createRequestHandler(build, env.NODE_ENV)
  const staticFiles = loadStaticFiles(clientDirectory)
  if (production) await checkDatabaseAtStartup()
  // The requests whose answer has not closed yet.
  const records = new Map<ServerResponse, RequestRecord>()
  const refusedSockets = new WeakSet<Duplex>()
  let draining = false

  const server = createServer(
    {
      // Without APP_URL a request without Host is refused below, with the app's headers;
      // Node's own refusal would have none.
      requireHostHeader: false,
      // Longer than the idle timeout of the usual load balancers (60 s), so that the balancer,
      // not this server, closes an idle connection; otherwise a request can race the close and
      // get a 502.
      keepAliveTimeout: 65_000,
      // A form is at most 64 KB; a client that takes longer than this to send one is stalling.
      headersTimeout: 20_000,
      requestTimeout: 30_000,
      // How often Node checks those two; its default (30 s) let a slow request run 30 s over.
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => accept(req, res),
  )
  // `Expect: 100-continue`: the refusals below run before the client is told to send its body.
  server.on('checkContinue', (req, res) => accept(req, res, 'continue'))
  server.on('checkExpectation', (req, res) => accept(req, res, 'unknown expectation'))
  server.on('connect', refuseConnect)
  server.on('clientError', refuseUnparsable)

  function accept(req: IncomingMessage, res: ServerResponse, expectation?: string) {
    const target = requestTarget(req.url ?? '/')
    const record: RequestRecord = {
      identity: newRequestIdentity(),
      method: req.method ?? 'GET',
      path: target?.path ?? '(not a path)',
      started: performance.now(),
    }
    records.set(res, record)
    // Node 22 emits no 'close' for a response destroyed while queued behind another.
    req.once('close', () => {
      if (!res.destroyed) return
      records.delete(res)
      logRequest(record, res)
    })
    res.once('close', () => {
      records.delete(res)
      logRequest(record, res)
      // A keep-alive connection whose response began before SIGTERM goes idle only now.
      if (draining) setImmediate(() => server.closeIdleConnections())
    })
    respond(req, res, record, target, expectation).catch((error: unknown) => {
      // React Router answers its own errors; reaching this is a defect of the server itself.
      logLine('error', {
        requestId: record.identity.id,
        method: record.method,
        path: record.path,
        message: 'unhandled error',
        error: describeError(error, true),
      })
      if (!res.headersSent) writePlain(res, 500, 'Something went wrong.\n', record.identity)
      else res.destroy()
    })
  }

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
    target: ReturnType<typeof requestTarget>,
    expectation: string | undefined,
  ) {
    const { identity, method } = record
    // An answer written before the whole body has arrived (a refusal below; a route's 405 or
    // 413) closes the connection. Node would otherwise read and discard the rest of the upload,
    // however long, until the request timeout, to keep the connection.
    const closes = () => draining || bodyStillComing(req)
    const refuse = (status: number, why: string, body: string, headers: string[] = []) => {
      record.reason = why
      writePlain(res, status, body, identity, [...headers, ...(closes() ? CLOSE : [])])
    }
    if (expectation === 'unknown expectation') {
      return refuse(417, 'unsupported Expect', 'Only Expect: 100-continue is supported.\n')
    }
    if (!ALLOWED_METHODS.has(method)) {
      if (method === 'OPTIONS') {
        return writePlain(res, 204, '', identity, ['Allow', ALLOW, ...(closes() ? CLOSE : [])])
      }
      return refuse(405, 'method not allowed', `Quotebook accepts ${ALLOW}.\n`, ['Allow', ALLOW])
    }
    if (target === null) return refuse(400, 'malformed URL', 'That address is not valid.\n')

    const file = method === 'POST' ? undefined : staticFiles.get(decodeURI(target.path))
    if (file) {
      const encoding = chooseEncoding(file, req.headers['accept-encoding'])
      const { body, etag } = file.bodies[encoding]!
      const raw = appHeaderList(identity)
      raw.push('Content-Type', file.type, 'Cache-Control', file.cacheControl, 'ETag', etag)
      if (file.bodies.br || file.bodies.gzip) raw.push('Vary', 'Accept-Encoding')
      if (draining) raw.push(...CLOSE)
      if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
        res.writeHead(304, raw)
        res.end()
        return
      }
      if (encoding !== 'identity') raw.push('Content-Encoding', encoding)
      raw.push('Content-Length', String(body.byteLength))
      startWriting(res, record)
      res.writeHead(200, raw)
      res.end(method === 'HEAD' ? undefined : body)
      return
    }

    const origin = env.APP_URL ?? originFromHost(req.headers.host)
    if (origin === null) {
      return refuse(400, 'malformed Host header', 'The Host header is not valid.\n')
    }
    if (isCrossSiteWrite(method, headerReader(req), origin)) {
      return refuse(403, 'cross-site write refused', `${CROSS_SITE_REFUSAL}\n`)
    }
    if (expectation === 'continue') res.writeContinue()

    // The request's signal: aborted when the client goes away before its answer is complete
    // (not after every answer, which would cost an AbortError for nothing).
    const controller = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    const request = new Request(`${origin}${target.path}${target.search}`, {
      method,
      headers: requestHeaders(req.rawHeaders, env.APP_URL),
      signal: controller.signal,
      ...(method === 'POST' ? { body: requestBody(req), duplex: 'half' } : {}),
    } as RequestInit)
    const context = new RouterContextProvider()
    context.set(requestIdentityContext, identity)
    const response = await requestInScope.run(identity.id, () => handleRequest(request, context))

    // What the client is no longer told (x-clerk-auth-reason), the log says, for diagnosis: why
    // a session the request carried was refused (a request without one needs no line).
    const clerkReason = response.headers.get('x-clerk-auth-reason')
    if (clerkReason !== null && carriesSession(req)) {
      logLine('debug', {
        requestId: identity.id,
        message: 'session not accepted by Clerk',
        clerkAuthStatus: response.headers.get('x-clerk-auth-status'),
        clerkAuthReason: clerkReason,
      })
    }
    if (res.destroyed) {
      // The client went away (an upload it gave up on): there is no one to answer.
      await response.body?.cancel().catch(() => {})
      return
    }
    startWriting(res, record)
    res.writeHead(response.status, responseHeaderList(response, identity, closes()))
    if (response.body === null || method === 'HEAD') {
      await response.body?.cancel().catch(() => {})
      res.end()
      return
    }
    try {
      await writeReadableStreamToWritable(response.body, res)
    } catch (error) {
      // The client went away mid-response; the log line says `aborted`. Anything else is a
      // defect of the response's stream.
      if (!res.destroyed) throw error
    }
  }

  /**
   * A request Node could not parse (a malformed request line or header, headers over the size
   * limit, a body too slow) is answered here, before any handler runs, with the app's headers.
   */
  function refuseUnparsable(error: NodeJS.ErrnoException, socket: Duplex) {
    // Node keeps the response in progress on the socket here, as its own handler reads it.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage
    // Node's parser keeps its error and reports it again for every later chunk: answer once.
    if (refusedSockets.has(socket)) return
    // The client went away: mid-request (the connection ended inside a message) or outright.
    if (error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      socket.destroy()
      return
    }
    refusedSockets.add(socket)
    // Bytes pipelined behind a whole request still being answered (its 'finish' is still to
    // come while it is the socket's): that request gets its own answer first, in order, then
    // these their refusal, and the connection closes.
    if (inFlight && inFlight.req.complete) {
      inFlight.once('finish', () => {
        refusedSockets.delete(socket)
        refuseUnparsable(error, socket)
      })
      inFlight.once('close', () => {
        if (!inFlight.writableFinished) socket.destroy()
      })
      return
    }
    if (inFlight?.headersSent) {
      socket.destroy()
      return
    }
    const unknownMethod = isUnknownMethod(error)
    const status = unknownMethod ? 501 : (unparsableStatus[error.code ?? ''] ?? 400)
    const record = inFlight ? records.get(inFlight) : undefined
    const reason = unknownMethod
      ? 'method not implemented'
      : `unparsable request (${error.code ?? 'unknown'})`
    const identity = record?.identity ?? newRequestIdentity()
    writeRaw(socket, status, identity, unknownMethod ? ['Allow', ALLOW] : [])
    if (record) {
      // The request's own log line (written when it closes) reports this answer.
      record.reason = reason
      record.rawStatus = status
    } else {
      logLine('warn', { requestId: identity.id, status, reason })
    }
  }

  function refuseConnect(_req: IncomingMessage, socket: Duplex) {
    const identity = newRequestIdentity()
    writeRaw(socket, 405, identity, ['Allow', ALLOW])
    logLine('warn', {
      requestId: identity.id,
      method: 'CONNECT',
      status: 405,
      reason: 'method not allowed',
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(env.PORT, env.HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : env.PORT
  logLine('info', { message: 'listening', port, host: env.HOST ?? 'all interfaces' })

  async function shutDown(signal: NodeJS.Signals) {
    if (draining) return
    draining = true
    logLine('info', { message: 'shutting down', signal })
    // Stop accepting; idle keep-alive connections close now, busy ones after their response.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const cutOff = setTimeout(() => {
      for (const record of records.values()) record.reason = 'cut off at shutdown'
      server.closeAllConnections()
    }, DRAIN_MS)
    await closed
    clearTimeout(cutOff)
    // Every request the server accepted ends with its line, even one whose close event the exit
    // would otherwise overtake.
    for (const [res, record] of records) logRequest(record, res)
    await closeDatabase()
    logLine('info', { message: 'stopped' })
    process.exit(0)
  }
  process.once('SIGTERM', shutDown)
  process.once('SIGINT', shutDown)
  return server
}

/**
 * In production, before listening: a database the app cannot use is refused at deploy time with
 * what to do, rather than answering every signed-in page with a 500. One that cannot be reached
 * now is only reported: /healthz says 503 until it is back.
 */
async function checkDatabaseAtStartup() {
  const user = databaseUser()
  try {
    const session = await checkDatabase()
    if (session.superuser) {
      logLine('warn', {
        message:
          `The app connects to the database as ${session.user}, a superuser, which no grant or ` +
          'row-level-security policy constrains. Connect as the database owner that ran ' +
          'npm run db:migrate (on Neon, the role that owns the database).',
      })
    }
  } catch (error) {
    const failure = setupFailure(error)
    if (failure === null) {
      logLine('warn', {
        message: 'The database did not answer at start-up; /healthz answers 503 until it does.',
        error: describeError(error, false),
      })
      return
    }
    let message: string
    if (failure === 'not-migrated') {
      message = 'The database has not been migrated: run npm run db:migrate, then start again.'
    } else if (failure === 'no-connect') {
      message =
        `The database user ${user} may not connect to the database: since migration 00004 only ` +
        'its owner may. Connect as the owner that ran npm run db:migrate, or, as that owner, ' +
        `run: GRANT CONNECT ON DATABASE ${quoted(databaseName())} TO ${quoted(user)}; Then ` +
        'start again.'
    } else {
      message =
        `The database user ${user} cannot do what every signed-in page does: switch to the ` +
        'role quotebook_app and use the table user_messages. As a role that holds ' +
        "quotebook_app's admin option (the one that first ran npm run db:migrate on this " +
        `server) or an administrator, run: ${await grantAppRole(user)} Then start again.`
    }
    logLine('error', { message, error: describeError(error, false) })
    await closeDatabase()
    process.exit(1)
  }
}

/**
 * The grant that lets `user` switch to quotebook_app, as migration 00003 makes it. Migrating again
 * would not: 00003 runs once. On 16 and newer a plain GRANT leaves an existing grant's SET as it
 * is, so SET is named.
 */
async function grantAppRole(user: string) {
  const name = quoted(user)
  const major = await databaseMajorVersion().catch(() => undefined)
  if (major === undefined) {
    return `GRANT quotebook_app TO ${name} WITH INHERIT FALSE, SET TRUE; (on Postgres 15: GRANT quotebook_app TO ${name};)`
  }
  return major >= 16
    ? `GRANT quotebook_app TO ${name} WITH INHERIT FALSE, SET TRUE;`
    : `GRANT quotebook_app TO ${name};`
}

/** A name as SQL writes it, exactly: in double quotes (a bare `user` is a keyword). */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`

// What a request Node could not parse is answered with, by Node's error code; 400 otherwise.
const unparsableStatus: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
}

/**
 * A request line whose method is a well-formed name Node's parser does not know (`FOO`, `get`),
 * answered 501 as RFC 9110 asks of a method a server does not recognize. A method it knows but
 * the app does not take (`PUT`, `PROPFIND`) gets 405 in `respond`; so the line between the two
 * is Node's list of methods. Node gives the same code to bytes that are no request line at all (a
 * TLS handshake on the plain port, a leading space), which stay 400. The packet may start with a
 * request before it (pipelined): the method is the token that ends where parsing failed.
 */
function isUnknownMethod(
  error: NodeJS.ErrnoException & { rawPacket?: Buffer; bytesParsed?: number },
) {
  const packet = error.rawPacket
  const at = error.bytesParsed ?? 0
  if (error.code !== 'HPE_INVALID_METHOD' || packet === undefined || at >= packet.length) {
    return false
  }
  // Parsing stopped inside a method name, not at a byte that can start none.
  if (!methodByte.test(String.fromCharCode(packet[at]!))) return false
  let start = at
  while (start > 0 && methodByte.test(String.fromCharCode(packet[start - 1]!))) start -= 1
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /.test(packet.subarray(start).toString('latin1'))
}
const methodByte = /[!#$%&'*+.^_`|~0-9A-Za-z-]/

/**
 * Replaces `process.env` with a plain copy of it, once the environment is complete (.env read).
 * Clerk's middleware reads its settings from the environment on every request, about 650 reads,
 * nearly all of variables that are not set (@clerk/shared's getEnvVariable, from its
 * loadOptions, twice per request, and the root loader's state). Each read of the real
 * `process.env` is a call into Node's C++ environment store, ~130 ns for a miss on our machines;
 * a plain object answers in a few. The server's environment does not change once it has
 * started. What is lost: a value assigned later is not turned into a string, and native code
 * (none here) would not see it; child processes still get this object as their environment.
 */
function plainEnvironment() {
  process.env = { ...process.env }
}

const CLOSE = ['Connection', 'close']

/**
 * From here the answer is being written, within RESPONSE_TIMEOUT_MS, as the request had to be
 * within requestTimeout: a client that stops reading, or takes a byte now and then (which an
 * idle timer would count as progress), is cut off.
 */
function startWriting(res: ServerResponse, record: RequestRecord) {
  const deadline = setTimeout(() => {
    record.reason = 'answer not taken in time'
    res.destroy()
  }, env.RESPONSE_TIMEOUT_MS)
  res.once('close', () => clearTimeout(deadline))
}

// Headers the app sets on every response, whose value from a route is replaced, and one no
// response carries.
const replacedHeaders = new Set([...appHeaderNames, 'x-powered-by'])
// What Node would refuse to write: a control character in a header value would otherwise
// throw in writeHead (Clerk copies parts of a token, which anyone can forge, into one).
const unwritableValue = /[^\t\x20-\x7e\x80-\xff]/

const bodyStillComing = (req: IncomingMessage) =>
  (req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0) &&
  !req.complete

const carriesSession = (req: IncomingMessage) =>
  req.headers.authorization !== undefined || /(?:^|;)\s*__session/.test(req.headers.cookie ?? '')

/**
 * The headers of a response from React Router, as Node writes them: the app's headers, each
 * Set-Cookie on its own, `Cache-Control: private, no-store` unless the route chose a policy
 * (every page depends on who is signed in), and in production none of Clerk's `x-clerk-*`
 * diagnostics, which tell whoever forges a token why it was refused. A 405 says what is allowed:
 * React Router answers one only to a POST to a route without an action (no other method reaches
 * it), and such a route takes GET and HEAD.
 */
function responseHeaderList(
  { status, headers }: Response,
  identity: RequestIdentity,
  close: boolean,
) {
  const raw = appHeaderList(identity)
  if (status === 405 && !headers.has('Allow')) raw.push('Allow', 'GET, HEAD')
  // Iterating Headers yields each Set-Cookie on its own, as HTTP needs.
  for (const [name, value] of headers) {
    if (replacedHeaders.has(name) || unwritableValue.test(value)) continue
    if (production && name.startsWith('x-clerk-')) continue
    raw.push(name, value)
  }
  if (!headers.has('Cache-Control')) raw.push('Cache-Control', 'private, no-store')
  if (close) raw.push(...CLOSE)
  return raw
}

/**
 * The request's body as a web stream. Cancelling it (a route that stops reading, as the form
 * reader does past its limit) discards the rest instead of destroying the socket, so the answer
 * (a 413) still reaches the client.
 */
function requestBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (cancelled) return
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
        if ((controller.desiredSize ?? 0) <= 0) req.pause()
      })
      req.once('end', () => {
        if (!cancelled) controller.close()
      })
      req.once('error', (error) => {
        if (!cancelled) controller.error(error)
      })
    },
    pull() {
      req.resume()
    },
    cancel() {
      cancelled = true
      req.resume()
    },
  })
}

const headerReader = (req: IncomingMessage): Pick<Headers, 'get'> => ({
  get: (name) => {
    const value = req.headers[name.toLowerCase()]
    return Array.isArray(value) ? value.join(', ') : (value ?? null)
  },
})

function writePlain(
  res: ServerResponse,
  status: number,
  body: string,
  identity: RequestIdentity,
  headers: string[] = [],
) {
  const raw = appHeaderList(identity)
  raw.push(...headers, 'Cache-Control', 'no-store')
  if (status !== 204) {
    raw.push('Content-Type', 'text/plain; charset=utf-8')
    raw.push('Content-Length', String(Buffer.byteLength(body)))
  }
  res.writeHead(status, raw)
  res.end(status === 204 ? undefined : body)
}

/** A whole response written on a socket that has no ServerResponse (parse errors, CONNECT). */
function writeRaw(socket: Duplex, status: number, identity: RequestIdentity, headers: string[]) {
  const body = `${STATUS_CODES[status]}\n`
  const raw = [
    ...appHeaderList(identity),
    ...headers,
    'Content-Type',
    'text/plain; charset=utf-8',
    'Content-Length',
    String(Buffer.byteLength(body)),
    'Cache-Control',
    'no-store',
    ...CLOSE,
  ]
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`
  for (let index = 0; index < raw.length; index += 2) head += `${raw[index]}: ${raw[index + 1]}\r\n`
  // Closed, not half-closed, once the answer is out: a client still trickling bytes keeps no
  // socket open.
  socket.end(`${head}\r\n${body}`, () => socket.destroy())
}

/**
 * One line per request. Only the path: a query string can carry a token (Clerk's handshake does),
 * and no header, cookie or body is ever logged. `status` is what the client was sent, or null
 * when it went away before any answer.
 */
function logRequest(record: RequestRecord, res: ServerResponse) {
  if (record.logged) return
  record.logged = true
  const status = record.rawStatus ?? (res.headersSent ? res.statusCode : null)
  const level: Level =
    record.reason !== undefined ? 'warn' : status !== null && status >= 500 ? 'error' : 'info'
  const { path } = record
  logLine(level, {
    requestId: record.identity.id,
    method: record.method,
    path: path.length > 200 ? `${path.slice(0, 200)}…` : path,
    status,
    ms: Math.round((performance.now() - record.started) * 10) / 10,
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(!res.writableFinished && record.rawStatus === undefined ? { aborted: true } : {}),
  })
}
