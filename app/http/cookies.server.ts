import { cookieAttributes } from '../auth/local-identity.server'
import { secureCookies } from '../auth/session.server'

/**
 * Two short-lived, HttpOnly cookies that carry a message across a redirect (POST, redirect, GET):
 * - `quotebook_draft`: a quote typed while signed out, shown again once the user is back;
 * - `quotebook_status`: what the last change did, announced on the next page.
 */
const DRAFT = 'quotebook_draft'
const STATUS = 'quotebook_status'
const DRAFT_SECONDS = 15 * 60
// Enough for 500 four-byte characters and then some, while staying far below the 4 KB a
// browser keeps per cookie.
const DRAFT_MAX_CODE_POINTS = 600

export type Status = 'saved' | 'deleted'

function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('Cookie') ?? '').split(';')) {
    const index = part.indexOf('=')
    if (index !== -1 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}

const attributes = (request: Request, maxAge: number) =>
  cookieAttributes({ secure: secureCookies(request) }, maxAge)

export function draftCookie(request: Request, text: string): string {
  const kept = [...text].slice(0, DRAFT_MAX_CODE_POINTS).join('')
  return `${DRAFT}=${Buffer.from(kept).toString('base64url')}; ${attributes(request, DRAFT_SECONDS)}`
}

export function readDraft(request: Request): string | null {
  const value = readCookie(request, DRAFT)
  if (!value) return null
  const text = Buffer.from(value, 'base64url').toString('utf8')
  return text === '' ? null : [...text].slice(0, DRAFT_MAX_CODE_POINTS).join('')
}

export function statusCookie(request: Request, status: Status): string {
  return `${STATUS}=${status}; ${attributes(request, 60)}`
}

export function readStatus(request: Request): Status | null {
  const value = readCookie(request, STATUS)
  return value === 'saved' || value === 'deleted' ? value : null
}

/** Set-Cookie headers that remove whichever of the two cookies the request carried. */
export function consumedCookies(request: Request): string[] {
  return [DRAFT, STATUS]
    .filter((name) => readCookie(request, name) !== undefined)
    .map((name) => `${name}=; ${attributes(request, 0)}`)
}
