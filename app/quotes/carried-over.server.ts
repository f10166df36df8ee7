import { type Cookie, createCookie } from 'react-router'
import { z } from 'zod'
import { versionOrNone } from './quote-schema'
import { cookieSecret } from '../auth/cookie-secret.server'
import { secureCookies } from '../http/request-context.server'
import { clearedCookie, cookieAttributes, readCookie, withCookies } from '../http/cookies.server'

/**
 * What a change carries across its redirect (POST, redirect, GET) to the page after it: a
 * one-shot status ("Your quote was saved."), and the text of a save whose session had ended,
 * kept for the user it was typed for. The home page reads both in one call.
 */

/**
 * A quote typed in a session that ended (a no-JS save after the session expired), kept for
 * 15 minutes in an HttpOnly cookie and offered again once its user is back, until saved or
 * discarded. It names that user, expires, and is signed, so it can be neither forged nor given to
 * someone else. Over https it is `__Host-quotebook_draft`, which no sibling subdomain can set.
 */
const DRAFT = 'quotebook_draft'
const DRAFT_SECONDS = 15 * 60
// Enough for 500 four-byte characters and then some; the whole cookie stays below the 4 KB a
// browser keeps per cookie (4096 bytes with its name and attributes).
const DRAFT_MAX_CODE_POINTS = 600
const DRAFT_MAX_COOKIE_BYTES = 4000

// Made on first use, as the signing key is.
let drafts: Record<'plain' | 'secure', Cookie> | undefined
function draftCookies(): Record<'plain' | 'secure', Cookie> {
  const options = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    maxAge: DRAFT_SECONDS,
    secrets: [cookieSecret()],
  }
  return {
    plain: createCookie(DRAFT, options),
    secure: createCookie(`__Host-${DRAFT}`, { ...options, secure: true }),
  }
}
function draftCookieOf(request: Request): Cookie {
  drafts ??= draftCookies()
  return secureCookies(request) ? drafts.secure : drafts.plain
}

/**
 * A kept draft: the text, the user whose session it was typed in, and the version of the quote
 * the form was based on (empty: none), so saving it later is checked like any other save and a
 * quote saved meanwhile in another tab is shown, not overwritten. `user` is null when the request
 * carried no session token the app could read a user from (signed out in another tab): such a
 * draft is shown on the sign-in page, to whoever is at this browser now, and to no one after
 * signing in.
 */
export interface Draft {
  user: string | null
  text: string
  basedOn: string
  /** Only the beginning was kept: the text was longer than a quote can be. */
  cut?: boolean
}

// The signed value carries its own expiry, so a copy is worthless after it, whatever a browser
// does with Max-Age.
const draftValue = z.object({
  user: z.string().min(1).nullable(),
  text: z.string().min(1),
  // Drafts kept before versions existed carry none: based on no quote, so a save shows any.
  basedOn: z.unknown().transform(versionOrNone),
  // Whether the text had to be shortened to fit the cookie (a text longer than a quote can be).
  cut: z.boolean().catch(false),
  until: z.number(),
})

const nowSeconds = () => Math.floor(Date.now() / 1000)

export async function draftCookie(
  request: Request,
  { user, text, basedOn }: Draft,
): Promise<string> {
  const cookie = draftCookieOf(request)
  const until = nowSeconds() + DRAFT_SECONDS
  const all = [...text]
  let kept = all.slice(0, DRAFT_MAX_CODE_POINTS)
  for (;;) {
    const cut = kept.length < all.length
    const header = await cookie.serialize({ user, text: kept.join(''), basedOn, cut, until })
    // Characters JSON escapes (controls, quotes) grow the cookie: shorten the draft until a
    // browser keeps it, rather than lose all of it.
    if (header.length <= DRAFT_MAX_COOKIE_BYTES || kept.length === 0) return header
    kept = kept.slice(0, Math.floor(kept.length * 0.9))
  }
}

/** The request's draft, if its signature holds and it has not expired; else null. */
export async function readDraft(request: Request): Promise<Draft | null> {
  // React Router's parse answers null for a bad signature and throws on nothing.
  const value: unknown = await draftCookieOf(request).parse(request.headers.get('Cookie'))
  const parsed = draftValue.safeParse(value)
  if (!parsed.success || parsed.data.until < nowSeconds()) return null
  const { user, text, basedOn, cut } = parsed.data
  return { user, text: [...text].slice(0, DRAFT_MAX_CODE_POINTS).join(''), basedOn, cut }
}

/**
 * `quotebook_status`: what the last change did (or, `not-deleted`, that a delete found the
 * session ended), said once on the page after it. Its value is one of a few words, written as
 * they are: there is nothing to encode or sign, and a link cannot set it, as it could a query.
 */
export type Status = 'saved' | 'deleted' | 'not-deleted'

const STATUS = 'quotebook_status'
const statuses: readonly string[] = ['saved', 'deleted', 'not-deleted'] satisfies Status[]

export const statusCookie = (request: Request, value: Status) =>
  `${STATUS}=${value}; ${cookieAttributes({ secure: secureCookies(request) }, 60)}`

/** The status the request carries, and the header that clears it once read. */
export function readStatus(request: Request): { status: Status | null; cleared: string[] } {
  const value = readCookie(request, STATUS)
  return {
    status: value !== undefined && statuses.includes(value) ? (value as Status) : null,
    cleared: value === undefined ? [] : [clearedCookie(STATUS, secureCookies(request))],
  }
}

/** Forgets the request's draft, if it carried one: after a save, or when the user discards it. */
export function clearedDraft(request: Request): string[] {
  const { name } = draftCookieOf(request)
  return readCookie(request, name) === undefined
    ? []
    : [clearedCookie(name, secureCookies(request))]
}

/**
 * What the last change left for `user`'s page: its status, cleared once read so it is said once,
 * and the draft kept for them, which stays (a reload offers it again) until it is saved,
 * discarded or expired. A draft kept for no one is cleared, as the sign-in page warned; one kept
 * for someone else is left alone (its owner may sign in next) and runs out with its 15 minutes.
 */
export async function carriedOver(request: Request, user: string) {
  const hasDraft = readCookie(request, draftCookieOf(request).name) !== undefined
  const kept = hasDraft ? await readDraft(request) : null
  const draft =
    kept?.user === user ? { text: kept.text, basedOn: kept.basedOn, cut: kept.cut } : null
  const forgotten = hasDraft && (kept === null || kept.user === null)
  const { status, cleared } = readStatus(request)
  return {
    status,
    draft,
    headers: withCookies([...cleared, ...(forgotten ? clearedDraft(request) : [])]),
  }
}
