import type { ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { type Level, logLine } from './log.server'
import { newRequestIdentity, type RequestIdentity } from './request-context.server'

/** What one request's log line says; filled in as the request is handled. */
export interface RequestRecord {
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

export const newRequestRecord = (method: string, path: string): RequestRecord => ({
  identity: newRequestIdentity(),
  method,
  path,
  started: performance.now(),
})

/**
 * One line per request. Only the path: a query string can carry a token (Clerk's handshake does),
 * and no header, cookie or body is ever logged. `status` is what the client was sent, or null
 * when it went away before any answer.
 */
export function logRequest(record: RequestRecord, res: ServerResponse) {
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
