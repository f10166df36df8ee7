import { localUserId } from '../../app/auth/local-identity.server'
import { sql } from '../../app/db/client.server'

/** What the database holds for a local user: the quote text, or null. Read directly, not via the app. */
export async function storedQuote(email: string): Promise<string | null> {
  const rows = await sql`select message from user_messages where user_id = ${localUserId(email)}`
  return rows.length === 0 ? null : (rows[0]!.message as string)
}

export async function storedRow(email: string) {
  const rows =
    await sql`select message, create_ts, update_ts from user_messages where user_id = ${localUserId(email)}`
  return rows[0] as { message: string; create_ts: Date; update_ts: Date } | undefined
}
