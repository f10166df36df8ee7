import { getAuth } from '@clerk/react-router/server'
import {
  createContext,
  type LoaderFunctionArgs,
  type MiddlewareFunction,
  redirect,
} from 'react-router'
import { authMode } from '../env.server'
import { secureCookies } from '../http/request-context.server'
import { verifySession } from './clerk-request.server'
import { endRefusedLocalSessions } from './local-identity.server'
import { safeRedirectPath } from './redirect'

/**
 * Who is signed in: decided once per request by `authMiddleware`, from the session Clerk
 * verified, and read by every loader and action through `requireUser`, `signedInUser` or
 * `sessionUser`.
 */

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
 * The signed-in user as queries need them: the id, and the session token Clerk verified, which
 * the database checks itself with Neon RLS. Never part of a page's data.
 */
export interface SignedInUser {
  id: string
  sessionToken: string
}

const sessionUserContext = createContext<SessionUser | null>(null)
const sessionTokenContext = createContext<string | null>(null)

// Clerk's `getAuth` builds its auth object anew on each call, so it is called here only. The name
// comes from the session token's `name` or `email` claim; no call to Clerk's Backend API is made.
const knowSessionUser: MiddlewareFunction<Response> = async (args, next) => {
  const { userId, sessionClaims, getToken } = await getAuth(args as unknown as LoaderFunctionArgs)
  // Without a template, Clerk's getToken gives the request's own session token (no network).
  const token = userId ? await getToken() : null
  args.context.set(sessionTokenContext, token)
  args.context.set(
    sessionUserContext,
    userId && token
      ? {
          id: userId,
          displayName:
            profileClaim(sessionClaims?.name, 200) ?? profileClaim(sessionClaims?.email, 320),
        }
      : null,
  )
  return next()
}

/** The root's middleware for sessions: Clerk verifies the session, then the user is known. */
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

/** The signed-in user and their session token, or null. */
export function signedInUser({ context }: Pick<AuthArgs, 'context'>): SignedInUser | null {
  const user = context.get(sessionUserContext)
  const sessionToken = context.get(sessionTokenContext)
  return user && sessionToken ? { id: user.id, sessionToken } : null
}

/**
 * The signed-in user, from the session Clerk verified, or a redirect to the sign-in page that
 * brings the user back afterwards (303 for a POST, so it becomes a GET): to this address, or to
 * `returnTo`. How a loader or action learns who the user is. `signedOut` gives headers to send
 * with the redirect.
 */
export async function requireUser(
  args: AuthArgs,
  {
    signedOut,
    returnTo,
  }: { signedOut?: () => Promise<HeadersInit | undefined>; returnTo?: string } = {},
): Promise<SignedInUser> {
  const user = signedInUser(args)
  if (user) return user
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
