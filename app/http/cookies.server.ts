/**
 * The app's cookies, as HTTP sees them: the attributes they all share, reading one by name, and
 * the one-shot status cookie. (The kept draft, which belongs to a user, is in auth/draft.server.ts.)
 * `secure` is whether the app is served over https (http/origin.server.ts); this module reads no
 * environment, so the local issuer can use it anywhere, tests included.
 */

/** The attributes of every cookie the app sets: site-wide, HttpOnly, SameSite=Lax. */
export const cookieAttributes = ({ secure }: { secure: boolean }, maxAge: number) =>
  `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`

/** The value of the request's cookie `name`, or undefined. */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('Cookie') ?? '').split(';')) {
    const index = part.indexOf('=')
    if (index !== -1 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}

/** A Set-Cookie header that removes the cookie `name` (set with `secure` as it was). */
export const clearedCookie = (name: string, secure: boolean) =>
  `${name}=; ${cookieAttributes({ secure }, 0)}`

/** Headers with one Set-Cookie for each cookie given, as a response needs them. */
export function withCookies(cookies: string[], init?: HeadersInit): Headers {
  const headers = new Headers(init)
  for (const cookie of cookies) headers.append('Set-Cookie', cookie)
  return headers
}

/**
 * `quotebook_status`: what the last change did, carried across its redirect (POST, redirect,
 * GET) and announced once on the page after it. Its value is one of two words, written as they
 * are: there is nothing to encode or sign.
 */
export type Status = 'saved' | 'deleted'

const STATUS = 'quotebook_status'

export const statusCookie = (value: Status, secure: boolean) =>
  `${STATUS}=${value}; ${cookieAttributes({ secure }, 60)}`

export function readStatus(request: Request): Status | null {
  const value = readCookie(request, STATUS)
  return value === 'saved' || value === 'deleted' ? value : null
}

/** Removes the status cookie once read, if the request carried one. */
export const consumedStatus = (request: Request, secure: boolean): string[] =>
  readCookie(request, STATUS) === undefined ? [] : [clearedCookie(STATUS, secure)]
