import { authMode, clerkFrontendApi, env } from '../env.server'
import type { RequestIdentity } from './request-context.server'

/**
 * The headers every response of the app carries, as Node's writeHead takes them (a flat list of
 * names and values): the fixed ones, the request's CSP with its nonce, and its id. Everything but
 * the nonce and the id is computed once, at start-up.
 */

const development = env.NODE_ENV === 'development'
const production = env.NODE_ENV === 'production'

function contentSecurityPolicy(nonce: string): string {
  // Clerk's browser SDK loads from its Frontend API and renders a CAPTCHA from Cloudflare; those
  // hosts are allowed in Clerk mode only. Local mode's page talks to no other host.
  const clerk = authMode === 'clerk' ? [`https://${clerkFrontendApi}`] : []
  const captcha = authMode === 'clerk' ? ['https://challenges.cloudflare.com'] : []
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': [`'nonce-${nonce}'`, "'strict-dynamic'", ...clerk, ...captcha],
    // Vite injects styles in development, and Clerk's components style themselves.
    'style-src': ["'self'", ...(development || authMode === 'clerk' ? ["'unsafe-inline'"] : [])],
    'img-src': ["'self'", 'data:', ...(authMode === 'clerk' ? ['https://img.clerk.com'] : [])],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...clerk, ...(development ? ['ws:'] : [])],
    'frame-src': captcha.length > 0 ? captcha : ["'none'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
  }
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ')
}

// The policy around its nonce, split once so that each request only joins three strings.
const NONCE_MARK = '\u0000'
const [cspBeforeNonce, cspAfterNonce] = contentSecurityPolicy(NONCE_MARK).split(NONCE_MARK) as [
  string,
  string,
]

const fixedHeaders: [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  [
    'Permissions-Policy',
    'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  ],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ...(production
    ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as [string, string]]
    : []),
]

// The fixed headers as Node's writeHead takes them (name, value, name, value…), built once.
const fixedHeaderList = fixedHeaders.flat()

/**
 * The app's headers for one request, as Node's writeHead takes them: the fixed ones, its CSP and
 * its id. Only the last two are made per request.
 */
export function appHeaderList({ id, nonce }: RequestIdentity): string[] {
  const list = fixedHeaderList.slice()
  list.push('Content-Security-Policy', `${cspBeforeNonce}${nonce}${cspAfterNonce}`)
  list.push('X-Request-Id', id)
  return list
}

/** The lower-case names of the headers every response of the app carries. */
export const appHeaderNames: ReadonlySet<string> = new Set(
  appHeaderList({ id: '', nonce: '' })
    .filter((_, index) => index % 2 === 0)
    .map((name) => name.toLowerCase()),
)

// Headers the app sets on every response, whose value from a route is replaced, and one no
// response carries.
const replacedHeaders = new Set([...appHeaderNames, 'x-powered-by'])
// What Node would refuse to write: a control character in a header value would otherwise
// throw in writeHead (Clerk copies parts of a token, which anyone can forge, into one).
const unwritableValue = /[^\t\x20-\x7e\x80-\xff]/

export const CLOSE = ['Connection', 'close']

/**
 * The headers of a response from React Router, as Node writes them: the app's headers, each
 * Set-Cookie on its own, `Cache-Control: private, no-store` unless the route chose a policy
 * (every page depends on who is signed in), and in production none of Clerk's `x-clerk-*`
 * diagnostics, which tell whoever forges a token why it was refused. A 405 says what is allowed:
 * React Router answers one only to a POST to a route without an action (no other method reaches
 * it), and such a route takes GET and HEAD.
 */
export function routerHeaderList(
  { status, headers }: Response,
  identity: RequestIdentity,
  close: boolean,
): string[] {
  const raw = appHeaderList(identity)
  if (status === 405 && !headers.has('Allow')) raw.push('Allow', 'GET, HEAD')
  // Iterating Headers yields each Set-Cookie on its own, as HTTP needs.
  for (const [name, value] of headers) {
    if (replacedHeaders.has(name) || unwritableValue.test(value)) continue
    if (production && name.startsWith('x-clerk-')) continue
    raw.push(name, value)
  }
  if (!headers.has('Cache-Control')) raw.push('Cache-Control', 'private, no-store')
  if (close) raw.push(...CLOSE)
  return raw
}

/** The headers of a short plain-text answer the server makes itself (a refusal), never cached. */
export function plainHeaderList(
  status: number,
  body: string,
  identity: RequestIdentity,
  headers: string[] = [],
): string[] {
  const raw = appHeaderList(identity)
  raw.push(...headers, 'Cache-Control', 'no-store')
  if (status !== 204) {
    raw.push('Content-Type', 'text/plain; charset=utf-8')
    raw.push('Content-Length', String(Buffer.byteLength(body)))
  }
  return raw
}
