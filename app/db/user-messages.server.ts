import { z } from 'zod'
import { sql } from './client.server'

/** Queries on `user_messages`, one quote per user. Every row is checked against its schema. */

const countRow = z.object({ quotes: z.string().regex(/^\d+$/).transform(Number) })

/** How many quotes are saved, all users together. */
export async function countQuotes(): Promise<number> {
  const rows = await sql`select count(*) as quotes from user_messages`
  return countRow.parse(rows[0]).quotes
}
