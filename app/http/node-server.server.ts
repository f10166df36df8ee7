import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createReadableStreamFromReadable, writeReadableStreamToWritable } from '@react-router/node'
import { createRequestHandler, RouterContextProvider, type ServerBuild } from 'react-router'
import { closeDatabase } from '../db/client.server'
import { env } from '../env.server'
import {
  logErrorLine,
  newRequestIdentity,
  type RequestIdentity,
  requestIdentityContext,
} from './request-id.server'
import {
  appHeaders,
  applyAppHeaders,
  CROSS_SITE_REFUSAL,
  isCrossSiteWrite,
} from './security-headers.server'
import { chooseEncoding, loadStaticFiles, type StaticFile } from './static-files.server'

/**
 * Quotebook's production server: `node:http`, the browser build from memory, and React Router's
 * request handler for everything else. Per request it makes the id and the CSP nonce, rebuilds
 * the URL on the public origin (APP_URL), refuses what no route could accept (an unknown method,
 * a malformed address, a cross-site form post), puts the app's headers on every response, and
 * writes one JSON log line. See app/README.md ("Quotebook's own server") for why not Express.
 */

const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST'])
const ALLOW = 'GET, HEAD, POST'
// In-flight requests get this long to finish after SIGTERM before their connections are cut.
const DRAIN_MS = 10_000

interface Options {
  /** The browser build: build/client. */
  clientDirectory: string
}

export async function serve(build: ServerBuild, { clientDirectory }: Options): Promise<Server> {
  const handleRequest = createRequestHandler(build, env.NODE_ENV)
  const staticFiles = loadStaticFiles(clientDirectory)
  let draining = false

  const server = createServer((req, res) => {
    void respond(req, res)
  })
  // Longer than the idle timeout of the usual load balancers (60 s), so that the balancer, not
  // this server, closes an idle connection; otherwise a request can race the close and get a 502.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  server.on('clientError', refuseUnparsable)

  async function respond(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now()
    const identity = newRequestIdentity()
    const method = req.method ?? 'GET'
    const target = requestTarget(req.url ?? '/')
    let reason: string | undefined
    res.once('close', () => {
      logRequest({
        identity,
        method,
        path: target?.path ?? (req.url ?? '').split('?')[0]!,
        status: res.statusCode,
        started,
        reason,
        aborted: !res.writableFinished,
      })
    })
    const refuse = (
      status: number,
      why: string,
      body: string,
      headers: [string, string][] = [],
    ) => {
      reason = why
      writePlain(res, status, body, identity, [...headers, ...(draining ? closing : [])])
    }

    if (!ALLOWED_METHODS.has(method)) {
      if (method === 'OPTIONS') return refuse(204, 'OPTIONS', '', [['Allow', ALLOW]])
      return refuse(405, 'method not allowed', `Quotebook accepts ${ALLOW}.\n`, [['Allow', ALLOW]])
    }
    if (target === null) return refuse(400, 'malformed URL', 'That address is not valid.\n')

    const file = method === 'POST' ? undefined : staticFiles.get(target.path)
    if (file) return writeStatic(req, res, file, identity, draining)

    const origin = env.APP_URL ?? originFromHost(req.headers.host)
    if (origin === null)
      return refuse(400, 'malformed Host header', 'The Host header is not valid.\n')
    if (isCrossSiteWrite(method, headerReader(req), origin)) {
      return refuse(403, 'cross-site write refused', `${CROSS_SITE_REFUSAL}\n`)
    }

    const controller = new AbortController()
    res.once('close', () => controller.abort())
    const request = new Request(`${origin}${target.path}${target.search}`, {
      method,
      headers: requestHeaders(req),
      signal: controller.signal,
      ...(method === 'POST' ? { body: createReadableStreamFromReadable(req), duplex: 'half' } : {}),
    } as RequestInit)
    const context = new RouterContextProvider()
    context.set(requestIdentityContext, identity)

    let response: Response
    try {
      response = await handleRequest(request, context)
    } catch (error) {
      // React Router answers its own errors; reaching this is a defect of the server itself.
      logErrorLine(identity.id, method, target.path, 'unhandled error', error)
      return writePlain(res, 500, 'Something went wrong.\n', identity, [])
    }
    await writeResponse(res, response, identity, method, draining)
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
  logLine({ level: 'info', message: 'listening', port, host: env.HOST ?? 'all interfaces' })

  async function shutDown(signal: NodeJS.Signals) {
    if (draining) return
    draining = true
    logLine({ level: 'info', message: 'shutting down', signal })
    // Stop accepting; idle keep-alive connections close now, busy ones after their response,
    // which says `Connection: close`.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const cutOff = setTimeout(() => server.closeAllConnections(), DRAIN_MS)
    await closed
    clearTimeout(cutOff)
    await closeDatabase()
    logLine({ level: 'info', message: 'stopped' })
    process.exit(0)
  }
  process.once('SIGTERM', shutDown)
  process.once('SIGINT', shutDown)
  return server
}

const closing: [string, string][] = [['Connection', 'close']]

/** The path and query of a request line: origin-form, or absolute-form with its host ignored. */
export function requestTarget(raw: string): { path: string; search: string } | null {
  let target = raw
  if (!target.startsWith('/')) {
    if (!/^https?:\/\//i.test(target) || !URL.canParse(target)) return null
    const url = new URL(target)
    target = `${url.pathname}${url.search}`
  }
  const queryAt = target.indexOf('?')
  const path = queryAt === -1 ? target : target.slice(0, queryAt)
  const search = queryAt === -1 ? '' : target.slice(queryAt)
  try {
    // React Router decodes the path to match routes; a broken escape (`/%`) is the client's error.
    decodeURI(path)
  } catch {
    return null
  }
  return { path, search }
}

/** Without APP_URL (development and tests only): the origin the Host header names, if well-formed. */
export function originFromHost(host: string | undefined): string | null {
  if (host === undefined) return null
  const wellFormed = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/
  return wellFormed.test(host) ? `http://${host.toLowerCase()}` : null
}

const headerReader = (req: IncomingMessage): Pick<Headers, 'get'> => ({
  get: (name) => {
    const value = req.headers[name.toLowerCase()]
    return Array.isArray(value) ? value.join(', ') : (value ?? null)
  },
})

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers()
  const raw = req.rawHeaders
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!)
  return headers
}

function writePlain(
  res: ServerResponse,
  status: number,
  body: string,
  identity: RequestIdentity,
  headers: [string, string][],
) {
  const raw: string[] = []
  for (const [name, value] of appHeaders(identity)) raw.push(name, value)
  for (const [name, value] of headers) raw.push(name, value)
  raw.push('Cache-Control', 'no-store')
  if (body !== '') raw.push('Content-Type', 'text/plain; charset=utf-8')
  raw.push('Content-Length', String(Buffer.byteLength(body)))
  res.writeHead(status, raw)
  res.end(status === 204 ? undefined : body)
}

function writeStatic(
  req: IncomingMessage,
  res: ServerResponse,
  file: StaticFile,
  identity: RequestIdentity,
  draining: boolean,
) {
  const encoding = chooseEncoding(file, req.headers['accept-encoding'])
  const body = file.bodies[encoding]!
  const raw: string[] = []
  for (const [name, value] of appHeaders(identity)) raw.push(name, value)
  raw.push('Content-Type', file.type, 'Cache-Control', file.cacheControl, 'ETag', file.etag)
  if (file.bodies.br || file.bodies.gzip) raw.push('Vary', 'Accept-Encoding')
  if (draining) raw.push('Connection', 'close')
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, raw)
    res.end()
    return
  }
  if (encoding !== 'identity') raw.push('Content-Encoding', encoding)
  raw.push('Content-Length', String(body.byteLength))
  res.writeHead(200, raw)
  res.end(req.method === 'HEAD' ? undefined : body)
}

async function writeResponse(
  res: ServerResponse,
  response: Response,
  identity: RequestIdentity,
  method: string,
  draining: boolean,
) {
  let headers = response.headers
  try {
    applyAppHeaders(headers, identity)
  } catch {
    // A Response.redirect() or a fetched response has immutable headers; copy them.
    headers = new Headers(headers)
    applyAppHeaders(headers, identity)
  }
  const raw: string[] = []
  // Iterating Headers yields each Set-Cookie on its own, as HTTP needs.
  for (const [name, value] of headers) raw.push(name, value)
  if (draining) raw.push('Connection', 'close')
  res.writeHead(response.status, raw)
  if (response.body === null || method === 'HEAD') {
    await response.body?.cancel().catch(() => {})
    res.end()
    return
  }
  try {
    await writeReadableStreamToWritable(response.body, res)
  } catch {
    // The client went away mid-response; the log line says `aborted`.
  }
}

/**
 * A request Node could not parse (a malformed request line or header, headers over the size
 * limit, a timeout) is answered here, before any handler runs, with the app's headers still on.
 */
function refuseUnparsable(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400
  const identity = newRequestIdentity()
  const body = `${STATUS_CODES[status]}\n`
  const headers = [
    ...appHeaders(identity),
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Cache-Control', 'no-store'],
    ['Connection', 'close'],
  ]
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`)
  logLine({
    level: 'warn',
    requestId: identity.id,
    status,
    reason: `unparsable request (${error.code ?? 'unknown'})`,
  })
}

interface RequestRecord {
  identity: RequestIdentity
  method: string
  path: string
  status: number
  started: number
  reason: string | undefined
  aborted: boolean
}

/**
 * One line per request. Only the path: a query string can carry a token (Clerk's handshake does),
 * and no header, cookie or body is ever logged.
 */
function logRequest({ identity, method, path, status, started, reason, aborted }: RequestRecord) {
  logLine({
    level: reason !== undefined && status >= 400 ? 'warn' : status >= 500 ? 'error' : 'info',
    requestId: identity.id,
    method,
    path: path.length > 200 ? `${path.slice(0, 200)}…` : path,
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    ...(reason !== undefined ? { reason } : {}),
    ...(aborted ? { aborted: true } : {}),
  })
}

function logLine(fields: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`)
}
