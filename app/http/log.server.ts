import { AsyncLocalStorage } from 'node:async_hooks'
import type { RouterContextProvider } from 'react-router'
import { env } from '../env.server'
import { requestIdOf } from './request-context.server'

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
 * the error page shows the user). The request's own line has its method (React Router loads the
 * page after a POST's action as a GET).
 */
export function logRequestError(
  context: Readonly<RouterContextProvider>,
  request: Request,
  message: string,
  error: unknown,
) {
  logLine('error', {
    requestId: requestIdOf(context),
    path: new URL(request.url).pathname,
    message,
    error: describeError(error, true),
  })
}

/** A console argument as text on one line; an error as its name and message, without its stack. */
function consoleText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Error) return `${value.name}: ${value.message}`
  try {
    return JSON.stringify(value, (_key, item: unknown) =>
      item instanceof Error ? `${item.name}: ${item.message}` : item,
    )
  } catch {
    return String(value)
  }
}

const consoleLevels = { debug: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error' }

/** The id of the request whose work is running, for the lines libraries write (the server sets it). */
export const requestInScope = new AsyncLocalStorage<string>()

/**
 * What libraries write with `console.*` becomes one line of this log, with `"source":"console"`,
 * an error without its stack. Clerk's SDK logs an error with its stack for a handshake it cannot
 * resolve, which anyone can send; the log must stay one parsable line per event, with no stack
 * that a request can cause. The app's own lines go through `logLine`. For the server.
 */
export function routeConsoleToLog() {
  const methods = console as unknown as Record<string, unknown>
  for (const [method, level] of Object.entries(consoleLevels) as [string, Level][]) {
    methods[method] = (...args: unknown[]) =>
      logLine(level, {
        requestId: requestInScope.getStore(),
        source: 'console',
        message: args.map(consoleText).join(' '),
      })
  }
}
