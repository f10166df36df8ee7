import { createPublicKey } from 'node:crypto'
import { authMode, env } from '../env.server'
import { logLine } from '../http/log.server'
import {
  LOCAL_KEY_ID,
  type LocalIdentity,
  localClerkKeys,
  localIdentity,
} from './local-identity.server'

/**
 * What Clerk's SDK is configured with. It verifies every session, in both modes: in Clerk mode
 * with the keys from Clerk's dashboard; in local mode with the app's own issuer, which signs
 * tokens in Clerk's format. Both are made on first use, so importing this reads no file.
 */

let issuer: LocalIdentity | undefined

/** The local issuer (its key pair kept in QUOTEBOOK_DATA_DIR); undefined in Clerk mode. */
export function localIssuer(): LocalIdentity | undefined {
  if (authMode !== 'local') return undefined
  return (issuer ??= localIdentity(env.QUOTEBOOK_DATA_DIR))
}

/**
 * For the server to call as it starts: the issuer's key is read, or made on the first start,
 * before the first request needs it (making one takes a noticeable part of a start), and local
 * sign-in in production is said to be for demos only.
 */
export function prepareAuth(): void {
  clerkOptions()
  warnIfLocalAuthInProduction()
}

function warnIfLocalAuthInProduction(): void {
  if (authMode !== 'local' || env.NODE_ENV !== 'production') return
  logLine('warn', {
    message:
      'AUTH_MODE=local in production: anyone can sign in as any email address. ' +
      'Use this for demos only; set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY for real users.',
  })
}

export type ClerkOptions = ReturnType<typeof buildClerkOptions>

function buildClerkOptions() {
  const local = localIssuer()
  return {
    ...(local
      ? localClerkKeys(local)
      : {
          publishableKey: env.CLERK_PUBLISHABLE_KEY,
          secretKey: env.CLERK_SECRET_KEY,
          jwtKey: env.CLERK_JWT_KEY,
        }),
    signInUrl: '/sign-in',
    signUpUrl: '/sign-up',
    // Where Clerk's components go after signing in or up without a redirect_url: Clerk's default,
    // said here, so Clerk's middleware does not look for
    // (VITE_)CLERK_SIGN_IN/UP_FALLBACK_REDIRECT_URL: 4 of its 14 passes per request over the 42
    // environment variables its settings come from. Clerk's modal sign-in, unused here, would go
    // to `/`, not stay put.
    signInFallbackRedirectUrl: '/',
    signUpFallbackRedirectUrl: '/',
  }
}

let options: ClerkOptions | undefined

/** Clerk's options, the same for every request: built once, on first use. */
export const clerkOptions = (): ClerkOptions => (options ??= buildClerkOptions())

/**
 * The keys session tokens are signed with, for the database's side to check them as Neon does
 * with the JWKS it is given (Neon RLS, on a database on this machine): the local issuer's, or
 * CLERK_JWT_KEY's, which names no `kid`. None in Clerk mode without CLERK_JWT_KEY.
 */
export function sessionTokenKeys() {
  const local = localIssuer()
  if (local) {
    return [{ kid: LOCAL_KEY_ID, alg: 'RS256' as const, key: createPublicKey(local.publicKeyPem) }]
  }
  return env.CLERK_JWT_KEY === undefined
    ? []
    : [{ kid: null, key: createPublicKey(env.CLERK_JWT_KEY) }]
}
