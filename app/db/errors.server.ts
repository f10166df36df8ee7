import { NeonDbError } from '@neondatabase/serverless'
import type { RouterContextProvider } from 'react-router'
import { describeError, logLine, logRequestError } from '../http/log.server'
import { requestIdOf } from '../http/request-id.server'

export interface DatabaseFailure {
  status: 400 | 503
  message: string
}

export const UNAVAILABLE = 'Quotebook is temporarily unavailable. Try again in a moment.'

// SQLSTATE classes and codes that mean "the database could not do it now", not "this is wrong".
const unavailableCodes = /^(08|53|57P0|57014|40001|40P01)/

/**
 * What a database error means for the person who caused it: a 400 with a message for input the
 * database refused, a 503 when it could not be reached or did not answer in time. Null for
 * anything else, which is a defect and goes on to the error boundary.
 */
export function databaseFailure(error: unknown): DatabaseFailure | null {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return { status: 503, message: UNAVAILABLE }
  }
  if (!(error instanceof NeonDbError)) return null
  const code = error.code ?? ''
  if (code === '23514' || code === '54000') {
    return { status: 400, message: 'Your quote is too long to save. Shorten it and try again.' }
  }
  if (code === '22021' || code === '22P05') {
    return { status: 400, message: 'Your quote contains a character that cannot be saved.' }
  }
  // No code: the request to the database failed (connection, HTTP) before Postgres answered.
  if (code === '' || unavailableCodes.test(code)) return { status: 503, message: UNAVAILABLE }
  return null
}

/**
 * A database that answers but cannot serve a page, because it was set up wrong: the user cannot
 * switch to quotebook_app or use the table (42501), or it was never migrated (no table, 42P01; no
 * role to switch to, 22023). Null for anything else.
 */
export function setupFailure(error: unknown): 'no-permission' | 'not-migrated' | null {
  if (!(error instanceof NeonDbError)) return null
  if (error.code === '42501') return 'no-permission'
  if (error.code === '42P01' || error.code === '22023') return 'not-migrated'
  return null
}

/**
 * For a route's `catch`: the failure, logged under the request's id, when it is one of
 * `statuses`; anything else is rethrown for the error boundary.
 */
export function expectedDatabaseFailure(
  error: unknown,
  { context, request }: { context: Readonly<RouterContextProvider>; request: Request },
  statuses: DatabaseFailure['status'][] = [400, 503],
): DatabaseFailure {
  const failure = databaseFailure(error)
  if (failure === null || !statuses.includes(failure.status)) throw error
  logDatabaseFailure(
    'warn',
    { context, request },
    failure.status === 503 ? 'database unavailable' : 'database refused the input',
    error,
  )
  return failure
}

export type Change = 'saved' | 'deleted'

export interface ChangeFailure {
  status: 400 | 500 | 503
  message: string
}

/**
 * Why a save or a delete did not go through, for the person who made it; never thrown, so the
 * page answers with the message and keeps what was typed. Logged under the request's id:
 * - 400 for input the database refused: nothing was changed.
 * - 503 when the database could not be reached or did not answer within the deadline. The change
 *   may still have been made (its COMMIT already sent, or on Neon a request that had reached it),
 *   so the message says "may not have been", and a save is an upsert that is safe to repeat.
 * - 500 for anything else: a database set up wrong (logged without a stack) or a defect (with).
 */
export function changeFailure(
  error: unknown,
  args: { context: Readonly<RouterContextProvider>; request: Request },
  change: Change,
): ChangeFailure {
  const failure = databaseFailure(error)
  const verb = change === 'saved' ? 'save' : 'delete'
  if (failure?.status === 400) {
    logDatabaseFailure('warn', args, 'database refused the input', error)
    return failure
  }
  if (failure?.status === 503) {
    logDatabaseFailure('warn', args, 'database unavailable', error)
    return {
      status: 503,
      message:
        `Quotebook is temporarily unavailable, so your quote may not have been ${change}. ` +
        `Check it and ${verb} it again in a moment.`,
    }
  }
  if (setupFailure(error) !== null) {
    logDatabaseFailure('error', args, 'database not ready for the app', error)
  } else {
    logRequestError(args.context, args.request, `the quote could not be ${change}`, error)
  }
  return {
    status: 500,
    message: `Something went wrong on our side, so your quote may not have been ${change}. Try again later.`,
  }
}

/**
 * One log line about a database failure, under the request's id: the driver's message and code,
 * and no stack, which would say only where the driver threw.
 */
export function logDatabaseFailure(
  level: 'warn' | 'error',
  { context, request }: { context: Readonly<RouterContextProvider>; request: Request },
  message: string,
  error: unknown,
) {
  logLine(level, {
    requestId: requestIdOf(context),
    method: request.method,
    path: new URL(request.url).pathname,
    message,
    error: describeError(error, false),
  })
}
