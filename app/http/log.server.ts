import type { RouterContextProvider } from 'react-router'
import { env } from '../env.server'
import { requestIdOf } from './request-id.server'

/**
 * The server's log: one JSON object per line, on standard output (`debug`, `info`, `warn`) or
 * standard error (`error`), each with its time and level, from LOG_LEVEL up (`info` unless set).
 * A line about a request carries its id, never its query string, headers, cookies or body.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error'

const severity: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }
const least = severity[env.LOG_LEVEL]

export function logLine(level: Level, fields: Record<string, unknown>) {
  if (severity[level] < least) return
  const line = `${JSON.stringify({ time: new Date().toISOString(), level, ...fields })}\n`
  if (level === 'error') process.stderr.write(line)
  else process.stdout.write(line)
}

/** What an error says about itself: with its stack for a defect, without for an expected failure. */
export function describeError(error: unknown, withStack: boolean) {
  if (!(error instanceof Error)) return { message: String(error) }
  const code = (error as { code?: unknown }).code
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(withStack ? { stack: error.stack } : {}),
  }
}

/**
 * A defect while handling a request: logged once, with its stack, under the request's id (which
 * the error page shows the user).
 */
export function logRequestError(
  context: Readonly<RouterContextProvider>,
  request: Request,
  message: string,
  error: unknown,
) {
  logLine('error', {
    requestId: requestIdOf(context),
    method: request.method,
    path: new URL(request.url).pathname,
    message,
    error: describeError(error, true),
  })
}
