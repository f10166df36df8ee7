import type postgres from 'postgres'

/**
 * Neon's SQL-over-HTTP protocol as its proxy speaks it (neondatabase/neon,
 * proxy/src/serverless/sql_over_http.rs, read at 6a35a3e): the request's shape and limits, how a
 * batch's transaction starts, and how errors are answered. The local transport
 * (local-transport.server.ts) serves it.
 */

export interface NeonQuery {
  query: string
  params?: (string | null)[]
}

export type NeonRequest = NeonQuery | { queries: NeonQuery[] }

export const isolationLevels: Record<string, string> = {
  ReadUncommitted: 'read uncommitted',
  ReadCommitted: 'read committed',
  RepeatableRead: 'repeatable read',
  Serializable: 'serializable',
}

// The most parameters postgres.js sends with one statement.
export const MAX_PARAMETERS = 65_533

// Neon's defaults for sql_over_http_max_request_size_bytes and ..._max_response_size_bytes.
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024

/** START TRANSACTION as Neon builds it: an option only for a header that is exactly `true`. */
export function startTransaction(headers: Headers): string {
  const options: string[] = []
  const level = headers.get('Neon-Batch-Isolation-Level')
  if (level !== null) options.push(`isolation level ${isolationLevels[level]}`)
  if (headers.get('Neon-Batch-Read-Only') === 'true') options.push('read only')
  if (headers.get('Neon-Batch-Deferrable') === 'true') options.push('deferrable')
  return `start transaction ${options.join(', ')}`.trim()
}

// Neon's error body: these 17 keys, always, in this order; absent fields are null, and
// `code` and `severity` are "" when there is no Postgres error behind the message.
type ErrorBody = Record<
  | 'message'
  | 'code'
  | 'detail'
  | 'hint'
  | 'position'
  | 'internalPosition'
  | 'internalQuery'
  | 'severity'
  | 'where'
  | 'table'
  | 'column'
  | 'schema'
  | 'dataType'
  | 'constraint'
  | 'file'
  | 'line'
  | 'routine',
  string | null
>

export function errorBody(message: string, error?: postgres.PostgresError): ErrorBody {
  const field = (name: string) => {
    const value = (error as unknown as Record<string, unknown> | undefined)?.[name]
    return value === undefined || value === null ? null : String(value)
  }
  return {
    message,
    code: field('code') ?? '',
    detail: field('detail'),
    hint: field('hint'),
    position: field('position'),
    internalPosition: field('internal_position'),
    internalQuery: field('internal_query'),
    severity: field('severity') ?? '',
    where: field('where'),
    table: field('table_name'),
    column: field('column_name'),
    schema: field('schema_name'),
    dataType: field('data_type_name'),
    constraint: field('constraint_name'),
    file: field('file'),
    line: field('line'),
    routine: field('routine'),
  }
}

export const answer = (status: number, body: unknown) => Response.json(body, { status })

/** A Postgres error as Neon's proxy answers it, by the phase it happened in. */
export function postgresErrorResponse(error: postgres.PostgresError, connectionString: string) {
  // Neon checks the password itself and says no more than this, for a wrong password and for a
  // user that does not exist alike.
  if (error.code.startsWith('28')) {
    const user = decodeURIComponent(new URL(connectionString).username)
    return answer(400, errorBody(`password authentication failed for user '${user}'`))
  }
  // Other failures while connecting (too many connections, starting up) are 500; an unknown
  // database, like every error of a query, is 400.
  const connecting = error.code === '53300' || error.code === '57P03'
  return answer(connecting ? 500 : 400, errorBody(error.message, error))
}
