import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LoaderFunctionArgs, MiddlewareFunction } from 'react-router'
import { cookieAttributes, withCookies } from '../http/cookies.server'
import { safeRedirectPath } from './redirect'

/**
 * The local identity issuer: without Clerk keys, the app signs session tokens in Clerk's format
 * with its own RS256 key, and configures Clerk's SDK to verify them with the public half. The
 * verification path (clerkMiddleware, rootAuthLoader, getAuth) is Clerk's own in both modes.
 */

// A production-format publishable key whose Frontend API host can never resolve, so Clerk's SDK
// neither needs nor attempts a development handshake, and any redirect it builds is recognisable.
export const LOCAL_FRONTEND_API = 'clerk.quotebook.invalid'
const LOCAL_PUBLISHABLE_KEY = `pk_live_${Buffer.from(`${LOCAL_FRONTEND_API}$`).toString('base64')}`
// Clerk's loader insists on a secret key; with a JWT key it is only used for Backend API calls,
// which nothing here makes.
const LOCAL_SECRET_KEY = 'sk_live_local_identity_not_a_secret'

/** The keys Clerk's SDK is configured with in local mode: it verifies with the issuer's. */
export const localClerkKeys = (identity: LocalIdentity) => ({
  publishableKey: LOCAL_PUBLISHABLE_KEY,
  secretKey: LOCAL_SECRET_KEY,
  jwtKey: identity.publicKeyPem,
})

/** The `kid` of the issuer's key, which a token's header names as Clerk's do. */
export const LOCAL_KEY_ID = 'ins_local'

// A working day. Nothing refreshes a local token and nothing can revoke one (signing out only
// clears the browser's cookies), so a copied cookie works until it expires.
export const SESSION_SECONDS = 8 * 60 * 60

export interface LocalIdentity {
  publicKeyPem: string
  privateKey: KeyObject
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')

/** Signs a JWT with RS256. Tests use it to forge the tokens the app must refuse. */
export function signJwt(header: object, payload: object, privateKey: KeyObject): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  return `${signingInput}.${base64url(sign('RSA-SHA256', Buffer.from(signingInput), privateKey))}`
}

/** A stable user id for an email address, shaped like Clerk's (`user_…`). */
export function localUserId(email: string): string {
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('hex')
  return `user_local_${digest.slice(0, 24)}`
}

export interface SessionToken {
  token: string
  iat: number
  exp: number
}

export function mintSessionToken(
  identity: LocalIdentity,
  claims: { email: string; name?: string; origin: string },
  now = Math.floor(Date.now() / 1000),
): SessionToken {
  const exp = now + SESSION_SECONDS
  const payload = {
    azp: claims.origin,
    email: claims.email,
    exp,
    iat: now,
    iss: `https://${LOCAL_FRONTEND_API}`,
    ...(claims.name ? { name: claims.name } : {}),
    nbf: now - 10,
    sid: `sess_local_${randomBytes(12).toString('hex')}`,
    sub: localUserId(claims.email),
  }
  const token = signJwt(
    { alg: 'RS256', kid: LOCAL_KEY_ID, typ: 'JWT' },
    payload,
    identity.privateKey,
  )
  return { token, iat: now, exp }
}

function identityFrom(privateKey: KeyObject): LocalIdentity {
  const publicKeyPem = createPublicKey(privateKey)
    .export({ type: 'spki', format: 'pem' })
    .toString()
  return { privateKey, publicKeyPem }
}

const generate = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

// One key per data directory and process; like the embedded database it lives on globalThis, so
// a re-evaluated module (Vite, tests) and the in-memory mode agree on it.
const identities = (): Map<string, LocalIdentity> =>
  ((globalThis as { __quotebookIdentities?: Map<string, LocalIdentity> }).__quotebookIdentities ??=
    new Map())

/** The issuer's key pair: generated on first start and kept in `<dataDir>/local-identity.pem`. */
export function localIdentity(dataDir: string): LocalIdentity {
  const key = dataDir === 'memory://' ? dataDir : resolve(dataDir)
  let identity = identities().get(key)
  if (identity !== undefined) return identity
  if (dataDir === 'memory://') {
    identity = identityFrom(generate())
  } else {
    const file = join(key, 'local-identity.pem')
    mkdirSync(key, { recursive: true })
    // Generating an RSA key takes a noticeable part of a start; only the first start does it.
    if (!existsSync(file)) {
      try {
        const pem = generate().export({ type: 'pkcs8', format: 'pem' }).toString()
        writeFileSync(file, pem, { flag: 'wx', mode: 0o600 })
      } catch (error) {
        // Another process made it first; use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
    }
    identity = identityFrom(createPrivateKey(readFileSync(file)))
  }
  identities().set(key, identity)
  return identity
}

interface CookieOptions {
  secure: boolean
}

/**
 * `__session` and `__client_uat` as Clerk's browser SDK sets them (`__client_uat` is the token's
 * `iat`), but HttpOnly: in local mode no browser code reads them.
 */
export function sessionCookies(session: SessionToken, options: CookieOptions): string[] {
  const maxAge = session.exp - session.iat
  return [
    `__session=${session.token}; ${cookieAttributes(options, maxAge)}`,
    `__client_uat=${session.iat}; ${cookieAttributes(options, maxAge)}`,
  ]
}

export function clearedSessionCookies(options: CookieOptions): string[] {
  return [
    `__session=; ${cookieAttributes(options, 0)}`,
    `__client_uat=0; ${cookieAttributes(options, 0)}`,
  ]
}

const sessionCookieNames = /(?:^|;\s*)(?:__session|__client_uat)=/

/**
 * Local mode's middleware, before Clerk's. Clerk answers an expired session on a page load with a
 * redirect to its Frontend API to refresh it (the "handshake"); there is no Frontend API here.
 * That redirect, and any session Clerk refused, ends instead in a signed-out state with the
 * cookies cleared. `userOf` is who Clerk's middleware found signed in, if anyone
 * (auth/session-user.server.ts); `secure`, whether the app is served over https.
 */
export const endRefusedLocalSessions =
  ({
    userOf,
    secure,
  }: {
    userOf: (args: Pick<LoaderFunctionArgs, 'context'>) => unknown
    secure: (request: Request) => boolean
  }): MiddlewareFunction<Response> =>
  async (args, next) => {
    const response = await next()
    const { request } = args
    if (!sessionCookieNames.test(request.headers.get('Cookie') ?? '')) return response
    const cleared = () => clearedSessionCookies({ secure: secure(request) })
    const location = response.headers.get('Location') ?? ''
    if (response.status === 307 && new URL(location, request.url).hostname === LOCAL_FRONTEND_API) {
      const { url } = args
      const headers = new Headers({
        Location: safeRedirectPath(`${url.pathname}${url.search}`),
        'Cache-Control': 'no-store',
      })
      // Clerk's reason goes along, for the server's debug log (never to the client in production).
      for (const [name, value] of response.headers) {
        if (name.startsWith('x-clerk-auth-')) headers.set(name, value)
      }
      return new Response(null, { status: 302, headers: withCookies(cleared(), headers) })
    }
    if (userOf(args)) return response
    const setsSession = response.headers
      .getSetCookie()
      .some((cookie) => cookie.startsWith('__session='))
    if (!setsSession) {
      for (const cookie of cleared()) response.headers.append('Set-Cookie', cookie)
    }
    return response
  }
