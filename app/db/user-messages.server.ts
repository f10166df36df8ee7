import { z } from 'zod'
import { asUser, asUserAll, type DatabaseUser, type Deadline, sql } from './client.server'

/**
 * Queries on `user_messages`: one quote per user. Each runs as its user under row-level security
 * (`asUser`) within the request's deadline, and every row is checked against its schema.
 */

const quoteRow = z.object({ message: z.string(), version: z.string() })

export interface Quote {
  text: string
  /**
   * When it was last saved (`update_ts`, to the microsecond, in UTC). A form carries the version
   * it was based on, so a save or delete made from a page that is out of date is refused.
   */
  version: string
}

// `update_ts` as text that casts back to exactly the same timestamptz: a Date (milliseconds)
// would lose the microseconds and never compare equal.
const version = sql`to_char(update_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

const quoteOf = (rows: Record<string, unknown>[]): Quote | null => {
  if (rows.length === 0) return null
  const row = quoteRow.parse(rows[0])
  return { text: row.message, version: row.version }
}

const currentQuote = (userId: string) =>
  sql`select message, ${version} as version from user_messages where user_id = ${userId}`

/** The user's quote, or null. One round trip. */
export async function getQuoteForUser(
  user: DatabaseUser,
  deadline: Deadline,
): Promise<Quote | null> {
  return quoteOf(await asUser(user, deadline, currentQuote(user.id)))
}

/**
 * What a change was based on: the version of the quote the page showed, `null` when it showed
 * none, or `undefined` when the request did not say (a client other than the page's forms,
 * such as Clerk's webhook), which changes the quote whatever it is now.
 */
export type BasedOn = string | null | undefined

/** The outcome of a change: made, or refused because the quote changed since; `current` is now. */
export type Change = { made: true; current: Quote | null } | { made: false; current: Quote | null }

/**
 * Saves the user's quote if it is still the one the page was based on: an update of that
 * version, an insert where there was none, or an upsert when the request did not say. The
 * statement and a read of the quote as it now is share one transaction: one round trip.
 */
export async function saveQuote(
  user: DatabaseUser,
  text: string,
  basedOn: BasedOn,
  deadline: Deadline,
): Promise<Change> {
  const change =
    basedOn === undefined
      ? sql`insert into user_messages (user_id, message) values (${user.id}, ${text})
            on conflict (user_id) do update set message = excluded.message, update_ts = now()
            returning 1`
      : basedOn === null
        ? sql`insert into user_messages (user_id, message) values (${user.id}, ${text})
              on conflict (user_id) do nothing
              returning 1`
        : sql`update user_messages set message = ${text}, update_ts = now()
              where user_id = ${user.id} and update_ts = ${basedOn}::timestamptz
              returning 1`
  const [changed, current] = await asUserAll(user, deadline, [change, currentQuote(user.id)])
  return { made: changed!.length > 0, current: quoteOf(current!) }
}

/**
 * Deletes the user's quote if it is still the version the page showed (any version when the
 * request did not say). A quote already gone counts as deleted. One round trip.
 *
 * Made is decided by what the delete did, not only by the read after it: under read committed,
 * a save committed between the two statements shows in the read. A delete that removed the row
 * was made even so; one without a version always is, whatever it found; one with a version that
 * found the row gone and then sees a new quote is refused, as the page is out of date.
 */
export async function deleteQuote(
  user: DatabaseUser,
  basedOn: string | undefined,
  deadline: Deadline,
): Promise<Change> {
  const change =
    basedOn === undefined
      ? sql`delete from user_messages where user_id = ${user.id} returning 1`
      : sql`delete from user_messages
            where user_id = ${user.id} and update_ts = ${basedOn}::timestamptz
            returning 1`
  const [deleted, current] = await asUserAll(user, deadline, [change, currentQuote(user.id)])
  const quote = quoteOf(current!)
  return { made: basedOn === undefined || deleted!.length > 0 || quote === null, current: quote }
}
