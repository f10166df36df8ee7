import type { MiddlewareFunction } from 'react-router'
import { authMode, clerkFrontendApi, env } from '../env.server'
import {
  appOrigin,
  newRequestIdentity,
  type RequestIdentity,
  requestIdentityContext,
} from './request-context.server'

/**
 * What every request gets before any route runs: its identity (an id and a CSP nonce), the
 * public origin it is judged by, the cross-site check that React Router's own leaves open, and
 * the headers every response carries.
 * The production server (http/node-server.server.ts) does it; the `frontDoor` middleware below
 * does the same where there is no such server. Everything but the nonce and the id is computed
 * once, at start-up.
 */

const development = env.NODE_ENV === 'development'

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
  ...(env.NODE_ENV === 'production'
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

function applyAppHeaders(headers: Headers, identity: RequestIdentity) {
  const list = appHeaderList(identity)
  for (let index = 0; index < list.length; index += 2) headers.set(list[index]!, list[index + 1]!)
  headers.delete('X-Powered-By')
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * A state-changing request sent from another site. React Router refuses a cross-origin action on
 * a page, but not on a resource route (such as /sign-out); this refuses both. A browser that
 * sends no Origin still says where the request came from in Sec-Fetch-Site. Server-to-server
 * callers (Clerk's webhook) send neither.
 */
export function isCrossSiteWrite(
  method: string,
  headers: Pick<Headers, 'get'>,
  origin: string,
): boolean {
  if (!stateChanging.has(method)) return false
  const sentOrigin = headers.get('Origin')
  return (
    (sentOrigin !== null && sentOrigin !== origin) || headers.get('Sec-Fetch-Site') === 'cross-site'
  )
}

export const CROSS_SITE_REFUSAL = 'Cross-site form posts are not accepted.'

/**
 * What the production server does for every request before React Router sees it (a request id,
 * a nonce, the cross-site check, the app's headers), for where there is no such server: under
 * `react-router dev`, and in the integration tests that call the build's handler directly. Behind
 * the production server the request already has its identity, and this passes it through.
 */
export const frontDoor: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  if (context.get(requestIdentityContext) !== null) return next()
  const identity = newRequestIdentity()
  context.set(requestIdentityContext, identity)
  const response = isCrossSiteWrite(request.method, request.headers, appOrigin(request))
    ? new Response(CROSS_SITE_REFUSAL, {
        status: 403,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    : await next()
  applyAppHeaders(response.headers, identity)
  return response
}
