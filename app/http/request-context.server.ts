import { randomFillSync, randomUUID } from 'node:crypto'
import { createContext, type RouterContextProvider } from 'react-router'
import { env } from '../env.server'

/**
 * What the app knows of a request before any route runs: its id, which is in the `X-Request-Id`
 * response header, in every log line about the request and on any error page, so a user's report
 * finds its log entry; and the CSP nonce of the page it renders. Made once per request and
 * handed to React Router in the request context.
 */
export interface RequestIdentity {
  id: string
  nonce: string
}

export const requestIdentityContext = createContext<RequestIdentity | null>(null)

// Random bytes for nonces, drawn from the system in bulk (one call per 256 nonces), as Node's
// randomUUID draws its own.
const NONCE_BYTES = 16
const randomPool = Buffer.alloc(256 * NONCE_BYTES)
let randomOffset = randomPool.length

function newNonce(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool)
    randomOffset = 0
  }
  const nonce = randomPool.toString('base64', randomOffset, randomOffset + NONCE_BYTES)
  randomOffset += NONCE_BYTES
  return nonce
}

export const newRequestIdentity = (): RequestIdentity => ({ id: randomUUID(), nonce: newNonce() })

export const requestIdOf = (context: Readonly<RouterContextProvider>) =>
  context.get(requestIdentityContext)?.id ?? 'unknown'

export const nonceOf = (context: Readonly<RouterContextProvider>) =>
  context.get(requestIdentityContext)?.nonce ?? ''

/**
 * The origin the app is served at: APP_URL, or in development the request's own (whatever host
 * and port Vite picked). Sessions are accepted only for it; cookies are Secure when it is https.
 */
export const appOrigin = (request: Request) => env.APP_URL ?? new URL(request.url).origin

export const secureCookies = (request: Request) => appOrigin(request).startsWith('https:')
