import { NeonDbError } from '@neondatabase/serverless'

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
