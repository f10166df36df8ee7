import type { IncomingMessage, ServerResponse } from 'node:http'
import { writeReadableStreamToWritable } from '@react-router/node'
import { env } from '../env.server'
import { appHeaderList, CLOSE, routerHeaderList } from './app-headers.server'
import {
  CROSS_SITE_REFUSAL,
  isCrossSiteWrite,
  originFromHost,
  requestHeaders,
  requestTarget,
} from './incoming.server'
import { describeError, logLine } from './log.server'
import { ALLOW, socketRefusals, writePlain } from './raw-answers.server'
import { logRequest, newRequestRecord, type RequestRecord } from './request-log.server'
import type { RouterAnswer } from './router-answer.server'
import { chooseEncoding, matchesIfNoneMatch, type StaticFile } from './static-files.server'
import { type ConnectMiddleware, viteAnswered } from './vite-assets.server'

/**
 * What the server does with each request Node has parsed: refuse what no route could accept (an
 * unknown method, a malformed address or Host, a cross-site form post), answer a file of the
 * browser build, or hand the request to React Router on the public origin (APP_URL); then write
 * the answer with the app's headers and one log line.
 */

const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST'])

/** Where the browser's files come from: the build, in memory; in development, Vite. */
export type BrowserAssets = { files: ReadonlyMap<string, StaticFile> } | { vite: ConnectMiddleware }

export function nodeAnswer(answerWithRouter: RouterAnswer, assets: BrowserAssets) {
  // The requests whose answer has not closed yet.
  const records = new Map<ServerResponse, RequestRecord>()
  let draining = false

  function accept(req: IncomingMessage, res: ServerResponse, expectation?: string) {
    const target = requestTarget(req.url ?? '/')
    const record = newRequestRecord(req.method ?? 'GET', target?.path ?? '(not a path)')
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
    // So does an answer to a request that asked to switch protocols (`asksUpgrade`).
    const closes = () => draining || bodyStillComing(req) || asksUpgrade(req)
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

    if (method !== 'POST') {
      if ('files' in assets) {
        const file = assets.files.get(decodeURI(target.path))
        if (file) return writeFile(req, res, record, file)
      } else if (await viteAnswered(assets.vite, req, res, identity)) {
        return
      }
    }

    const origin = env.APP_URL ?? originFromHost(req.headers.host)
    if (origin === null) {
      return refuse(400, 'malformed Host header', 'The Host header is not valid.\n')
    }
    if (isCrossSiteWrite(method, headerReader(req), origin)) {
      return refuse(403, 'cross-site write refused', CROSS_SITE_REFUSAL)
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
    const response = await answerWithRouter(request, identity)

    if (res.destroyed) {
      // The client went away (an upload it gave up on): there is no one to answer.
      await response.body?.cancel().catch(() => {})
      return
    }
    startWriting(res, record)
    res.writeHead(response.status, routerHeaderList(response, identity, closes()))
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

  function writeFile(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
    file: StaticFile,
  ) {
    const encoding = chooseEncoding(file, req.headers['accept-encoding'])
    const { body, etag } = file.bodies[encoding]!
    const raw = appHeaderList(record.identity)
    raw.push('Content-Type', file.type, 'Cache-Control', file.cacheControl, 'ETag', etag)
    if (file.bodies.br || file.bodies.gzip) raw.push('Vary', 'Accept-Encoding')
    if (draining || asksUpgrade(req)) raw.push(...CLOSE)
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      res.writeHead(304, raw)
      res.end()
      return
    }
    if (encoding !== 'identity') raw.push('Content-Encoding', encoding)
    raw.push('Content-Length', String(body.byteLength))
    startWriting(res, record)
    res.writeHead(200, raw)
    res.end(record.method === 'HEAD' ? undefined : body)
  }

  return {
    accept,
    ...socketRefusals((res) => records.get(res)),
    /** From now on every answer closes its connection. */
    startDraining() {
      draining = true
    },
    /** At the drain limit: the requests still open are about to be cut. */
    markCutOff() {
      for (const record of records.values()) record.reason = 'cut off at shutdown'
    },
    /** Every request accepted ends with its line, even one whose close event the exit overtakes. */
    logUnfinished() {
      for (const [res, record] of records) logRequest(record, res)
    },
  }
}

export type NodeAnswer = ReturnType<typeof nodeAnswer>

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

// A request to switch protocols (`Upgrade`), which the server never does: Node parses nothing
// more on its connection, so a request pipelined behind it would wait unanswered.
const asksUpgrade = (req: IncomingMessage) => req.headers.upgrade !== undefined

const bodyStillComing = (req: IncomingMessage) =>
  (req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0) &&
  !req.complete

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
