import { clerkMiddleware } from '@clerk/react-router/server'
import type { MiddlewareFunction } from 'react-router'
import { type AuthMode, authMode, env } from '../env.server'
import { clerkOptions } from './clerk-options.server'

/**
 * What Clerk's middleware may see of a request, so that no request can make the server call
 * Clerk's API but those of Clerk's own flow; and that middleware, which verifies the session.
 */

const handshakeMark = '__clerk_handshake'
// Names as Clerk reads them: query names decoded (`%5F%5Fclerk…` is `__clerk…`), cookie names
// trimmed (`__clerk_handshake_nonce =…` is the nonce).
const isHandshakeName = (name: string) => name.trim().startsWith(handshakeMark)
function cookieName(pair: string) {
  const equals = pair.indexOf('=')
  return (equals === -1 ? pair : pair.slice(0, equals)).trim()
}
// A session token is a JWT, whose encoded header always starts with `eyJ` (`{"`).
const sessionBearer = /^Bearer eyJ[\w-]*\.[\w-]+\.[\w-]*$/

/**
 * Whether Clerk's own handshake can have sent this request. Clerk redirects a page load (a GET
 * whose Sec-Fetch-Dest is document or iframe, or, without that header, one whose Accept starts
 * with text/html) to its Frontend API, which sends the browser back with the handshake's nonce:
 * in the query from a development instance, in a cookie from a production one (@clerk/backend
 * 3.25, isRequestEligibleForHandshake). Narrower here: never an iframe, since no page of the app
 * may be framed (frame-ancestors 'none'), so a hidden frame on another site cannot make each of
 * its visitors' browsers send one. Never a data request either: the handshake returns the browser
 * to a page (below), and a browser's own data request says `Sec-Fetch-Dest: empty`.
 */
function mayReturnFromHandshake(request: Request): boolean {
  return (
    clerkSeesPageLoad(request) && fetchDestination(request) !== 'iframe' && !isDataRequest(request)
  )
}

/** Whether Clerk takes the request for a page load, which it may send to its handshake. */
function clerkSeesPageLoad(request: Request): boolean {
  if (request.method !== 'GET') return false
  const destination = fetchDestination(request)
  if (destination !== null) return destination === 'document' || destination === 'iframe'
  return (request.headers.get('Accept') ?? '').startsWith('text/html')
}

// Sec-Fetch-Dest as Clerk reads it: an empty value counts as none.
const fetchDestination = (request: Request) => request.headers.get('Sec-Fetch-Dest') || null

// React Router's data request for a page: `/_.data` for `/`, `/sign-in.data` for `/sign-in`, by
// its path alone. React Router hands middleware the request as it came, suffix and all.
const isDataRequest = (request: Request) => {
  const end = request.url.search(/[?#]/)
  return (end === -1 ? request.url : request.url.slice(0, end)).endsWith('.data')
}

/**
 * The request as Clerk's middleware may see it:
 * - an `Authorization` header only when it carries a session token. @clerk/react-router accepts
 *   any token type, and verifies an API key (`ak_…`), machine token (`mt_…`) or OAuth token
 *   (`oat_…`) by calling Clerk's Backend API with the secret key; Quotebook signs in with
 *   session cookies only.
 * - Clerk's handshake (`__clerk_handshake(_nonce)` in the query or a cookie) only on a page load
 *   in Clerk mode. Clerk's middleware resolves a nonce by asking Clerk's API for the handshake's
 *   payload, on any request that carries one; a nonce cookie lingers, and rides on every request
 *   until it expires. In local mode there is no Frontend API, so no handshake is genuine (and a
 *   garbled one makes Clerk log a stack trace).
 * - a data request as the page's address (`page`) when Clerk would take it for a page load
 *   (without Sec-Fetch-Dest, and accepting text/html: no browser's own data request does), so
 *   that a handshake returns the browser to the page, not to the data.
 * Null when the request needs no change, the common case.
 */
export function requestForClerk(request: Request, mode: AuthMode, page: URL): Request | null {
  const authorization = request.headers.get('Authorization')
  const foreignAuthorization = authorization !== null && !sessionBearer.test(authorization)
  const cookie = request.headers.get('Cookie') ?? ''
  // The common request has neither a query nor the mark in a cookie, and costs no parsing.
  const url = request.url.includes('?') ? new URL(request.url) : null
  const handshakeInQuery = url !== null && [...url.searchParams.keys()].some(isHandshakeName)
  const handshakeInCookie =
    cookie.includes(handshakeMark) &&
    cookie.split(';').some((pair) => isHandshakeName(cookieName(pair)))
  const keepHandshake =
    (handshakeInQuery || handshakeInCookie) && mode === 'clerk' && mayReturnFromHandshake(request)
  const inQuery = handshakeInQuery && !keepHandshake
  const inCookie = handshakeInCookie && !keepHandshake
  const dataAsPage = clerkSeesPageLoad(request) && isDataRequest(request)
  if (!foreignAuthorization && !inQuery && !inCookie && !dataAsPage) return null
  const headers = new Headers(request.headers)
  if (foreignAuthorization) headers.delete('Authorization')
  const target = dataAsPage ? new URL(page) : url
  if (inQuery) {
    for (const name of [...target!.searchParams.keys()]) {
      if (isHandshakeName(name)) target!.searchParams.delete(name)
    }
  }
  if (inCookie) {
    const kept = cookie.split(';').filter((pair) => !isHandshakeName(cookieName(pair)))
    headers.set('Cookie', kept.join(';'))
  }
  // Clerk reads only the URL and headers; the body stays with the original request.
  return new Request(target ?? request.url, {
    method: request.method,
    headers,
    signal: request.signal,
  })
}

let forAppUrl: MiddlewareFunction<Response> | undefined

// Sessions are accepted only from the app's own origin (the token's `azp`): APP_URL when set,
// whose middleware is made once; in development the request's own origin, whatever host and port
// Vite picked.
function clerkMiddlewareFor(request: Request): MiddlewareFunction<Response> {
  if (env.APP_URL === undefined) {
    return clerkMiddleware({ ...clerkOptions(), authorizedParties: [new URL(request.url).origin] })
  }
  return (forAppUrl ??= clerkMiddleware({ ...clerkOptions(), authorizedParties: [env.APP_URL] }))
}

/** Clerk's middleware, which verifies the request's session, shown only what it may see. */
export const verifySession: MiddlewareFunction<Response> = (args, next) => {
  const request = requestForClerk(args.request, authMode, args.url)
  const seen = request ? { ...args, request } : args
  return clerkMiddlewareFor(seen.request)(seen, next)
}
