import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { CLOSE, plainHeaderList } from './app-headers.server'
import { logLine } from './log.server'
import { newRequestIdentity, type RequestIdentity } from './request-context.server'
import type { RequestRecord } from './request-log.server'

/**
 * Answers the server writes itself, with the app's headers: a short plain-text refusal on a
 * response, or a whole answer on a bare socket, for what Node could not parse and for CONNECT,
 * which never reach a request handler.
 */

// The server's methods, for every path; a route without an action narrows its own 405 to GET and
// HEAD (app-headers.server.ts).
export const ALLOW = 'GET, HEAD, POST'

export function writePlain(
  res: ServerResponse,
  status: number,
  body: string,
  identity: RequestIdentity,
  headers: string[] = [],
) {
  res.writeHead(status, plainHeaderList(status, body, identity, headers))
  res.end(status === 204 ? undefined : body)
}

/** A whole response written on a socket that has no ServerResponse (parse errors, CONNECT). */
function writeRaw(socket: Duplex, status: number, identity: RequestIdentity, headers: string[]) {
  const body = `${STATUS_CODES[status]}\n`
  const raw = [...plainHeaderList(status, body, identity, headers), ...CLOSE]
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`
  for (let index = 0; index < raw.length; index += 2) head += `${raw[index]}: ${raw[index + 1]}\r\n`
  // Closed, not half-closed, once the answer is out: a client still trickling bytes keeps no
  // socket open.
  socket.end(`${head}\r\n${body}`, () => socket.destroy())
}

/** The socket-level refusals, for a server whose in-flight requests `recordOf` finds. */
export function socketRefusals(recordOf: (res: ServerResponse) => RequestRecord | undefined) {
  const refusedSockets = new WeakSet<Duplex>()

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
    const known = unparsable[error.code ?? '']
    const status = unknownMethod ? 501 : (known?.status ?? 400)
    const record = inFlight ? recordOf(inFlight) : undefined
    const reason = unknownMethod
      ? 'method not implemented'
      : (known?.reason ?? `unparsable request (${error.code ?? 'unknown'})`)
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

  function refuseConnect(_req: unknown, socket: Duplex) {
    refuseOnSocket(socket, 'CONNECT', 405, 'method not allowed', ['Allow', ALLOW])
  }

  return { refuseUnparsable, refuseConnect }
}

// What a request Node could not parse is answered with, by Node's error code (400 otherwise),
// and why, for the log, where the code says more than that it could not be parsed.
const unparsable: Record<string, { status: number; reason?: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'headers too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'request not received in time' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413 },
}

/**
 * A request line whose method is a well-formed name Node's parser does not know (`FOO`, `get`),
 * answered 501 as RFC 9110 asks of a method a server does not recognize. A method it knows but
 * the app does not take (`PUT`, `PROPFIND`) gets 405 (answer.server.ts); so the line between the
 * two is Node's list of methods. Node gives the same code to bytes that are no request line at
 * all (a TLS handshake on the plain port, a leading space), which stay 400. The packet may start
 * with a request before it (pipelined): the method is the token that ends where parsing failed.
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
 * A connection upgrade (a WebSocket) the server takes none of: in development Vite's hot reload
 * takes its own, and anything else would otherwise wait unanswered, holding its socket.
 */
export function refuseUpgrade(req: IncomingMessage, socket: Duplex) {
  refuseOnSocket(socket, req.method, 400, 'upgrade not accepted')
}

/** A request on a bare socket refused, with its own identity and log line. */
function refuseOnSocket(
  socket: Duplex,
  method: string | undefined,
  status: number,
  reason: string,
  headers: string[] = [],
) {
  const identity = newRequestIdentity()
  writeRaw(socket, status, identity, headers)
  logLine('warn', { requestId: identity.id, method, status, reason })
}
