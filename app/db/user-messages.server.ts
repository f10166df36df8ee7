import { z } from 'zod'
import { asUser, type Deadline, sql } from './client.server'

/**
 * Queries on `user_messages`: one quote per user. Each runs as its user under row-level security
 * (`asUser`) within the request's deadline, and every row is checked against its schema.
 */

const quoteRow = z.object({ message: z.string() })

export interface Quote {
  text: string
}

/** The user's quote, or null. One round trip. */
export async function getQuoteForUser(userId: string, deadline: Deadline): Promise<Quote | null> {
  const rows = await asUser(
    userId,
    deadline,
    sql`select message from user_messages where user_id = ${userId}`,
  )
  if (rows.length === 0) return null
  const row = quoteRow.parse(rows[0])
  return { text: row.message }
}

/**
 * Saves the user's quote, replacing any earlier one. An upsert, so a double submit or two tabs
 * saving at once can never collide on the primary key. One round trip.
 */
export async function saveQuote(userId: string, text: string, deadline: Deadline): Promise<void> {
  await asUser(
    userId,
    deadline,
    sql`
      insert into user_messages (user_id, message) values (${userId}, ${text})
      on conflict (user_id) do update set message = excluded.message, update_ts = now()`,
  )
}

/** Deletes the user's quote; deleting one that does not exist is no error. One round trip. */
export async function deleteQuote(userId: string, deadline: Deadline): Promise<void> {
  await asUser(userId, deadline, sql`delete from user_messages where user_id = ${userId}`)
}
