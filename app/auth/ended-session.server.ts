import { createHash } from 'node:crypto'
import { verifyToken } from '@clerk/react-router/server'
import { env } from '../env.server'
import { appOrigin } from '../http/request-context.server'
import { clerkOptions, localIssuer } from './clerk-options.server'

/**
 * Who an ended session's user was: for a draft typed in a session that expired, so it is
 * offered back to that user alone.
 */

// How long after a session token expired its user can still be read from it: long enough for a
// page left open through an afternoon or a night.
const ENDED_SESSION_MS = 24 * 60 * 60 * 1000

// A key this server holds to check a session token's signature with, or none: in Clerk mode
// without CLERK_JWT_KEY the key would come from Clerk's API, and no anonymous request may make
// the server call it (a forged token can name any key id).
const heldTokenKey = () => localIssuer()?.publicKeyPem ?? env.CLERK_JWT_KEY

let sessionCookieNames: Set<string> | undefined

// `__session`, and `__session_<suffix>` as newer Clerk browser SDKs name it, the suffix this
// app's publishable key gives: another app on the same domain may set other suffixes. The suffix
// is computed as @clerk/shared's getCookieSuffix does, synchronously, on first use.
function sessionCookieNamesOf(publishableKey: string): Set<string> {
  const suffix = createHash('sha1')
    .update(publishableKey)
    .digest('base64')
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .slice(0, 8)
  return new Set(['__session', `__session_${suffix}`])
}

const cookiePairs = /(?:^|;)\s*([^=;\s]+)=([^;]*)/g

/**
 * The user a request's expired session belonged to, or null: the `sub` of its session token,
 * once Clerk's `verifyToken` has checked the signature and authorized party with a key this
 * server holds. Only the expiry is let go, by up to a day. Always null in Clerk mode without
 * CLERK_JWT_KEY: a draft is then kept for no one.
 */
export async function endedSessionUserId(request: Request): Promise<string | null> {
  const jwtKey = heldTokenKey()
  if (jwtKey === undefined) return null
  sessionCookieNames ??= sessionCookieNamesOf(clerkOptions().publishableKey!)
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
        jwtKey,
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
