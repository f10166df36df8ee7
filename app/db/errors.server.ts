import { NeonDbError } from '@neondatabase/serverless'
import type { RouterContextProvider } from 'react-router'
import { describeError, logLine, logRequestError } from '../http/log.server'
import { requestIdOf } from '../http/request-context.server'
import { isJwtRefusal } from './neon-jwt.server'

// SQLSTATE classes and codes that mean "the database could not do it now", not "this is wrong".
const unavailableCodes = /^(08|53|57P0|57014|40001|40P01)/

/**
 * A database that answers but cannot serve a page, because it was set up wrong: the user may not
 * connect to it (42501, since migration 00004 only its owner may), cannot switch to quotebook_app
 * or use the table (42501), or it was never migrated (no table, 42P01; no role to switch to,
 * 22023). Null for anything else.
 */
export function setupFailure(
  error: unknown,
): 'no-connect' | 'no-permission' | 'not-migrated' | null {
  if (!(error instanceof NeonDbError)) return null
  if (error.code === '42501') {
    return /permission denied for database/.test(error.message) ? 'no-connect' : 'no-permission'
  }
  if (error.code === '42P01' || error.code === '22023') return 'not-migrated'
  return null
}

type Kind = 'too-long' | 'bad-character' | 'unavailable' | 'setup' | 'token-refused' | 'defect'

function kindOf(error: unknown): Kind {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return 'unavailable'
  }
  if (setupFailure(error) !== null) return 'setup'
  if (!(error instanceof NeonDbError)) return 'defect'
  const code = error.code ?? ''
  if (code === '23514' || code === '54000') return 'too-long'
  if (code === '22021' || code === '22P05') return 'bad-character'
  // Neon's proxy refused the session token Clerk had accepted (Neon RLS): its JWKS or audience
  // is set up otherwise than Clerk's keys, or a clock is off. A 400 with no code, like an outage.
  if (code === '' && isJwtRefusal(error.message)) return 'token-refused'
  // No code: the request to the database failed (connection, HTTP) before Postgres answered.
  if (code === '' || unavailableCodes.test(code)) return 'unavailable'
  return 'defect'
}

/** What the failed work was: reading for a page or a check, or a change to the quote. */
export type Work = 'read' | 'saved' | 'deleted'

export interface Failure {
  status: 400 | 500 | 503
  /** For the person who caused it; a page's error boundary has its own words for a read. */
  message: string
}

const messages = {
  'too-long': () => 'Your quote is too long to save. Shorten it and try again.',
  'bad-character': () => 'Your quote contains a character that cannot be saved.',
  // A change that timed out may still have been made (its COMMIT already sent, or on Neon a
  // request that had reached it), so the message says "may not have been". Repeating it is safe:
  // a save of the text already saved succeeds, a delete of a quote already gone too.
  unavailable: (work: Work) =>
    work === 'read'
      ? 'Quotebook is temporarily unavailable. Try again in a moment.'
      : `Quotebook is temporarily unavailable, so your quote may not have been ${work}. ` +
        (work === 'saved'
          ? 'Your text is still here: save it again in a moment. If it was saved after all, that changes nothing.'
          : 'Delete it again in a moment. If it was deleted after all, that changes nothing.'),
  setup: (work: Work) => somethingWentWrong(work),
  'token-refused': (work: Work) => somethingWentWrong(work),
  defect: (work: Work) => somethingWentWrong(work),
}

const somethingWentWrong = (work: Work) =>
  work === 'read'
    ? 'Something went wrong on our side. Try again later.'
    : `Something went wrong on our side, so your quote may not have been ${work}. Try again later.`

/**
 * The one way a route turns a database error into an answer: a status and a message, logged
 * once under the request's id. Never thrown, so each route's `catch` shows what it answers.
 * - 400: input the database refused (nothing was changed); a `warn` line.
 * - 503: the database could not be reached or did not answer within the deadline; a `warn` line.
 * - 500: a database set up wrong (an `error` line without a stack: it says what to grant or run),
 *   a session token Neon refused (likewise), or a defect (an `error` line with its stack).
 */
export function databaseFailure(
  error: unknown,
  args: { context: Readonly<RouterContextProvider>; request: Request },
  work: Work,
): Failure {
  const kind = kindOf(error)
  const message = messages[kind](work)
  switch (kind) {
    case 'too-long':
    case 'bad-character':
      logDatabaseFailure('warn', args, 'database refused the input', error)
      return { status: 400, message }
    case 'unavailable':
      logDatabaseFailure('warn', args, 'database unavailable', error)
      return { status: 503, message }
    case 'setup':
      logDatabaseFailure('error', args, 'database not ready for the app', error)
      return { status: 500, message }
    case 'token-refused':
      logDatabaseFailure(
        'error',
        args,
        'database refused the session token: check the JWKS URL (and audience) Neon RLS is set up with',
        error,
      )
      return { status: 500, message }
    case 'defect':
      logRequestError(args.context, args.request, 'database work failed', error)
      return { status: 500, message }
  }
}

/**
 * One log line about a database failure, under the request's id: the driver's message and code,
 * and no stack, which would say only where the driver threw. No method: React Router loads the
 * page after a POST's action as a GET; the request's own line says what it was.
 */
function logDatabaseFailure(
  level: 'warn' | 'error',
  { context, request }: { context: Readonly<RouterContextProvider>; request: Request },
  message: string,
  error: unknown,
) {
  logLine(level, {
    requestId: requestIdOf(context),
    path: new URL(request.url).pathname,
    message,
    error: describeError(error, false),
  })
}
