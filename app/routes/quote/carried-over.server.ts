import { createCookie, createCookieSessionStorage, type Session } from 'react-router'
import { z } from 'zod'
import { versionOrNone } from './quote-schema'
import type { Status } from './quote-view'
import { cookieSecret } from '../../auth/cookie-secret.server'
import { secureCookies } from '../../http/request-context.server'

/**
 * What a change carries across its redirect (POST, redirect, GET) to the page after it, in one
 * signed, HttpOnly cookie read once per request:
 * - a status ("Your quote was saved."), a flash value said once by the page that reads it;
 * - the text of a save whose session had ended (a no-JS save after the session expired), kept
 *   15 minutes for the user it was typed for, until saved or discarded. It names that user and
 *   expires inside its signed value, so it can be neither forged, given to someone else, nor
 *   used after its 15 minutes, whatever a browser does with Max-Age.
 * Over https the cookie is `__Host-quotebook_carryover`, which no sibling subdomain can set.
 */
const NAME = 'quotebook_carryover'
const DRAFT_SECONDS = 15 * 60
const STATUS_SECONDS = 60
// Enough for 500 four-byte characters and then some; the whole cookie stays below the 4 KB a
// browser keeps per cookie (4096 bytes with its name and attributes).
const DRAFT_MAX_CODE_POINTS = 600
const MAX_COOKIE_BYTES = 4000

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

const draftValue = z.object({
  user: z.string().min(1).nullable(),
  text: z.string().min(1),
  basedOn: z.unknown().transform(versionOrNone),
  // Whether the text had to be shortened to fit the cookie (a text longer than a quote can be).
  cut: z.boolean().catch(false),
  until: z.number(),
})
type StoredDraft = z.input<typeof draftValue>

const statuses: readonly string[] = ['saved', 'deleted', 'not-deleted'] satisfies Status[]

type CarryOverSession = Session<{ draft: StoredDraft }, { status: Status }>

const storeWith = (name: string, secure: boolean) => {
  const options = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure }
  const cookie = createCookie(name, { ...options, secrets: [cookieSecret()] })
  return {
    cookie,
    ...createCookieSessionStorage<{ draft: StoredDraft }, { status: Status }>({ cookie }),
  }
}
type Store = ReturnType<typeof storeWith>
// Made on first use: the signing key is derived then, not when the module is imported.
let stores: { plain: Store; secure: Store } | undefined
const storeOf = (request: Request) => {
  stores ??= { plain: storeWith(NAME, false), secure: storeWith(`__Host-${NAME}`, true) }
  return secureCookies(request) ? stores.secure : stores.plain
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** The request's carry-over, parsed once; `session` is written back by `carryOverHeaders`. */
export interface CarryOver {
  request: Request
  session: CarryOverSession
  /** Whether the request sent the cookie at all, valid or not: one it cannot read is cleared. */
  sent: boolean
  /** The draft, if its signature holds and it has not expired, for whichever user it names. */
  draft: Draft | null
  /** The status, taken out of the session: writing the session back says it only once. */
  status: Status | null
}

export async function readCarryOver(request: Request): Promise<CarryOver> {
  const store = storeOf(request)
  const header = request.headers.get('Cookie')
  // React Router answers an empty session for a cookie whose signature fails, as for none.
  const session = await store.getSession(header)
  const parsed = draftValue.safeParse(session.get('draft'))
  const draft =
    parsed.success && parsed.data.until >= nowSeconds()
      ? {
          user: parsed.data.user,
          text: [...parsed.data.text].slice(0, DRAFT_MAX_CODE_POINTS).join(''),
          basedOn: parsed.data.basedOn,
          cut: parsed.data.cut,
        }
      : null
  const status = session.get('status')
  return {
    request,
    session,
    sent: sentCookie(header, store.cookie.name),
    draft,
    status: typeof status === 'string' && statuses.includes(status) ? status : null,
  }
}

const sentCookie = (header: string | null, name: string) =>
  (header ?? '').split(';').some((pair) => pair.trim().startsWith(`${name}=`))

/**
 * The Set-Cookie header that writes the carry-over back: kept while it holds a draft (for the
 * draft's remaining minutes) or an unsaid status (a minute), else cleared.
 */
export async function carryOverHeaders({ request, session }: CarryOver): Promise<Headers> {
  const store = storeOf(request)
  const draft = draftValue.safeParse(session.get('draft'))
  const draftSeconds = draft.success ? draft.data.until - nowSeconds() : 0
  const maxAge = Math.max(draftSeconds, session.has('status') ? STATUS_SECONDS : 0)
  const header =
    maxAge > 0
      ? await store.commitSession(session, { maxAge })
      : await store.destroySession(session)
  return new Headers({ 'Set-Cookie': header })
}

/**
 * What the last change left for `user`'s page: its status, said once, and the draft kept for
 * them, which stays (a reload offers it again) until it is saved, discarded or expired. A draft
 * kept for no one is cleared, as the sign-in page warned, as is a cookie that cannot be read;
 * one kept for someone else is left alone (its owner may sign in next) and runs out with its
 * 15 minutes.
 */
export async function carriedOverFor(request: Request, user: string) {
  const carried = await readCarryOver(request)
  const { draft, status, sent, session } = carried
  const forgotten = sent && (draft === null || draft.user === null)
  if (forgotten) session.unset('draft')
  const mine =
    draft?.user === user ? { text: draft.text, basedOn: draft.basedOn, cut: draft.cut } : null
  const changed = forgotten || status !== null
  return {
    status,
    draft: mine,
    headers: changed ? await carryOverHeaders(carried) : undefined,
  }
}

/**
 * The Set-Cookie header of a change's redirect: `status` to say on the next page, and, when
 * `forgetDraft`, the draft forgotten (it was saved, or discarded).
 */
export async function afterChange(
  request: Request,
  status: Status | null,
  { forgetDraft }: { forgetDraft: boolean },
): Promise<Headers> {
  const carried = await readCarryOver(request)
  if (status !== null) carried.session.flash('status', status)
  if (forgetDraft) carried.session.unset('draft')
  // Nothing sent and nothing to send: no cookie at all.
  if (!carried.sent && status === null) return new Headers()
  return carryOverHeaders(carried)
}

/** The Set-Cookie header that keeps `draft` for 15 minutes, shortened if it must be to fit. */
export async function keepDraft(request: Request, { user, text, basedOn }: Draft) {
  const carried = await readCarryOver(request)
  // Reading took any unsaid status out of the session: it stays to be said.
  if (carried.status !== null) carried.session.flash('status', carried.status)
  const until = nowSeconds() + DRAFT_SECONDS
  const all = [...text]
  let kept = all.slice(0, DRAFT_MAX_CODE_POINTS)
  const { cookie } = storeOf(request)
  for (;;) {
    const cut = kept.length < all.length
    carried.session.set('draft', { user, text: kept.join(''), basedOn, cut, until })
    // Measured as commitSession writes it, which throws for a cookie a browser would drop.
    const header = await cookie.serialize(carried.session.data, { maxAge: DRAFT_SECONDS })
    // Characters JSON escapes (controls, quotes) grow the cookie: shorten the draft until a
    // browser keeps it, rather than lose all of it.
    if (header.length <= MAX_COOKIE_BYTES || kept.length === 0) return carryOverHeaders(carried)
    kept = kept.slice(0, Math.floor(kept.length * 0.9))
  }
}
