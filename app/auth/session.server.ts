import { createHash, hkdfSync } from 'node:crypto'
import { clerkMiddleware, getAuth, verifyToken } from '@clerk/react-router/server'
import {
  createContext,
  type LoaderFunctionArgs,
  type MiddlewareFunction,
  redirect,
} from 'react-router'
import { type AuthMode, authMode, env } from '../env.server'
import { appOrigin, secureCookies } from '../http/request-context.server'
import { logLine } from '../http/log.server'
import { safeRedirectPath } from './redirect'
import { endRefusedLocalSessions, localClerkKeys, localIdentity } from './local-identity.server'

/**
 * Who is signed in. Clerk's SDK verifies every session, in both modes:
 * - clerk: keys from Clerk's dashboard; tokens come from Clerk.
 * - local: no Clerk keys (development, tests, or AUTH_MODE=local); the app's own issuer signs
 *   tokens in Clerk's format, and Clerk's SDK verifies them with the issuer's public key.
 * The mode is decided once, here, at start-up.
 */
export { authMode, type AuthMode } from '../env.server'

export const issuer = authMode === 'local' ? localIdentity(env.QUOTEBOOK_DATA_DIR) : undefined

if (authMode === 'local' && env.NODE_ENV === 'production') {
  logLine('warn', {
    message:
      'AUTH_MODE=local in production: anyone can sign in as any email address. ' +
      'Use this for demos only; set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY for real users.',
  })
}

const clerkOptions = {
  ...(issuer
    ? localClerkKeys(issuer)
    : {
        publishableKey: env.CLERK_PUBLISHABLE_KEY,
        secretKey: env.CLERK_SECRET_KEY,
        jwtKey: env.CLERK_JWT_KEY,
      }),
  signInUrl: '/sign-in',
  signUpUrl: '/sign-up',
  // Where Clerk's components go after signing in or up without a redirect_url: Clerk's default,
  // said here. Given, they spare Clerk's middleware 4 of its 14 passes per request over the 42
  // environment variables its settings come from; (VITE_)CLERK_SIGN_IN/UP_FALLBACK_REDIRECT_URL
  // are no longer read. (Clerk's modal sign-in, unused here, would go to `/`, not stay put.)
  signInFallbackRedirectUrl: '/',
  signUpFallbackRedirectUrl: '/',
}

// Sessions are accepted only from the app's own origin (the token's `azp`). It is APP_URL when
// set; in development the request's own origin, whatever host and port Vite picked.
const fixedOrigin = env.APP_URL
  ? clerkMiddleware({ ...clerkOptions, authorizedParties: [env.APP_URL] })
  : undefined

const clerkVerifySession: MiddlewareFunction<Response> = (args, next) =>
  (
    fixedOrigin ??
    clerkMiddleware({ ...clerkOptions, authorizedParties: [new URL(args.request.url).origin] })
  )(args, next)

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
 * What Clerk's middleware may see of a request, so that no request can make the server call
 * Clerk's API but those of Clerk's own flow:
 * - an `Authorization` header only when it carries a session token. @clerk/react-router accepts
 *   any token type, and verifies an API key (`ak_…`), machine token (`mt_…`) or OAuth token
 *   (`oat_…`) by calling Clerk's Backend API with the secret key; Quotebook signs in with
 *   session cookies only.
 * - Clerk's handshake (`__clerk_handshake(_nonce)` in the query or a cookie) only on a page load
 *   in Clerk mode. Clerk's middleware resolves a nonce by asking Clerk's API for the handshake's
 *   payload, on any request that carries one; a nonce cookie lingers, and rides on every request
 *   until it expires. In local mode there is no Frontend API, so no handshake is genuine (and a
 *   garbled one made Clerk log a stack trace).
 * - a data request as the page's address (`page`) when Clerk would take it for a page load
 *   (without Sec-Fetch-Dest, and accepting text/html: no browser's own data request does), so
 *   that a handshake returns the browser to the page, not to the data.
 * Null when the request needs no change, the common case.
 */
function requestForClerk(request: Request, mode: AuthMode, page: URL): Request | null {
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

const verifySession: MiddlewareFunction<Response> = (args, next) => {
  const request = requestForClerk(args.request, authMode, args.url)
  return clerkVerifySession(request ? { ...args, request } : args, next)
}

/**
 * Clerk's state for <ClerkProvider>, from `rootAuthLoader`, without `__clerk_debug` in
 * production. That part says why a session was refused (Clerk's reason and message, such as
 * `token-invalid-signature`), as the `x-clerk-*` headers the server removes do, and is in every
 * page and data request; the provider only copies it to `window.__clerk_debug`.
 */
export function withoutClerkDiagnostics(clerkState: unknown): unknown {
  const state = (clerkState as { __internal_clerk_state?: unknown } | null)?.__internal_clerk_state
  if (env.NODE_ENV !== 'production' || typeof state !== 'object' || state === null) {
    return clerkState
  }
  const { __clerk_debug: _diagnostics, ...kept } = state as Record<string, unknown>
  return { ...(clerkState as object), __internal_clerk_state: kept }
}

export interface SessionUser {
  id: string
  /** The name to show: the `name` claim, else the `email` claim, else null. */
  displayName: string | null
}

// A claim Clerk's session-token template may add, if it is a usable string.
function profileClaim(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'string') return null
  const trimmed = value.trim()
  return trimmed.length > 0 && trimmed.length <= maxLength ? trimmed : null
}

/**
 * Who is signed in, decided once per request by the middleware below and read by every loader
 * and action through `requireUserId` or `sessionUser`. Clerk's `getAuth` builds its auth object
 * anew on each call, so it is called here only. The name comes from the session token's `name`
 * or `email` claim; no call to Clerk's Backend API is made.
 */
const sessionUserContext = createContext<SessionUser | null>(null)

const knowSessionUser: MiddlewareFunction<Response> = async (args, next) => {
  const { userId, sessionClaims } = await getAuth(args as unknown as LoaderFunctionArgs)
  args.context.set(
    sessionUserContext,
    userId
      ? {
          id: userId,
          displayName:
            profileClaim(sessionClaims?.name, 200) ?? profileClaim(sessionClaims?.email, 320),
        }
      : null,
  )
  return next()
}

export const authMiddleware: MiddlewareFunction<Response>[] = [
  ...(authMode === 'local'
    ? [endRefusedLocalSessions({ userOf: sessionUser, secure: secureCookies })]
    : []),
  verifySession,
  knowSessionUser,
]

type AuthArgs = Pick<LoaderFunctionArgs, 'request' | 'context' | 'url'>

/**
 * The signed-in user, or null, from the session Clerk verified for this request. Null too when
 * Clerk's middleware answered the request itself (a handshake redirect) before deciding.
 */
export function sessionUser({ context }: Pick<AuthArgs, 'context'>): SessionUser | null {
  return context.get(sessionUserContext)
}

/**
 * The signed-in user's id, from the session Clerk verified, or a redirect to the sign-in page
 * that brings the user back afterwards (303 for a POST, so it becomes a GET): to this address, or
 * to `returnTo`. The only way a loader or action learns who the user is. `signedOut` gives
 * headers to send with the redirect.
 */
export async function requireUserId(
  args: AuthArgs,
  {
    signedOut,
    returnTo,
  }: { signedOut?: () => Promise<HeadersInit | undefined>; returnTo?: string } = {},
): Promise<string> {
  const user = sessionUser(args)
  if (user) return user.id
  const headers = await signedOut?.()
  // The page's own address: React Router's `url` has no `.data` suffix, and no `index` or
  // `_routes` marker (a form posted to an index route; a data request's route list).
  const back = safeRedirectPath(returnTo ?? `${args.url.pathname}${args.url.search}`)
  const query = new URLSearchParams({ redirect_url: back })
  throw redirect(`/sign-in?${query}`, {
    status: args.request.method === 'GET' || args.request.method === 'HEAD' ? 302 : 303,
    headers,
  })
}

// A key this server holds to check a session token's signature with, or none: in Clerk mode
// without CLERK_JWT_KEY the key would come from Clerk's API, and no anonymous request may make
// the server call it (a forged token can name any key id).
const heldTokenKey = issuer?.publicKeyPem ?? env.CLERK_JWT_KEY

// How long after a session token expired its user can still be read from it: long enough for a
// page left open through an afternoon or a night.
const ENDED_SESSION_MS = 24 * 60 * 60 * 1000

// `__session`, and `__session_<suffix>` as newer Clerk browser SDKs name it, the suffix this
// app's publishable key gives: another app on the same domain may set other suffixes.
// The suffix is computed as @clerk/shared's getCookieSuffix does, synchronously.
const cookieSuffix = createHash('sha1')
  .update(clerkOptions.publishableKey!)
  .digest('base64')
  .replaceAll('+', '-')
  .replaceAll('/', '_')
  .slice(0, 8)
const sessionCookieNames = new Set(['__session', `__session_${cookieSuffix}`])
const cookiePairs = /(?:^|;)\s*([^=;\s]+)=([^;]*)/g

/**
 * The user a request's expired session belonged to, or null: the `sub` of its session token,
 * once Clerk's `verifyToken` has checked the signature and authorized party with a key this
 * server holds. Only the expiry is let go, by up to a day. For a draft typed in a session that
 * ended, so it is offered back to that user alone. Always null in Clerk mode without
 * CLERK_JWT_KEY: such a draft is then kept for no one.
 */
export async function endedSessionUserId(request: Request): Promise<string | null> {
  if (heldTokenKey === undefined) return null
  // Each name once, its first value, as Clerk reads a cookie.
  const tokens = new Map<string, string>()
  for (const [, name = '', value = ''] of (request.headers.get('Cookie') ?? '').matchAll(
    cookiePairs,
  )) {
    if (sessionCookieNames.has(name) && !tokens.has(name)) tokens.set(name, value)
  }
  for (const token of tokens.values()) {
    if (!token) continue
    try {
      const claims = await verifyToken(token, {
        jwtKey: heldTokenKey,
        authorizedParties: [appOrigin(request)],
        clockSkewInMs: ENDED_SESSION_MS,
      })
      if (typeof claims.sub === 'string' && claims.sub !== '') return claims.sub
    } catch {
      // Not a token of this app: try the next, if any.
    }
  }
  return null
}

/**
 * The key that signs the app's own cookies (a kept draft), derived from a secret every instance
 * already shares, so a cookie one instance sets another can read: Clerk's secret key, or in local
 * mode the issuer's private key.
 */
export const cookieSecret = Buffer.from(
  hkdfSync(
    'sha256',
    issuer ? issuer.privateKey.export({ type: 'pkcs8', format: 'der' }) : env.CLERK_SECRET_KEY!,
    'quotebook',
    'cookie signing',
    32,
  ),
).toString('base64')
