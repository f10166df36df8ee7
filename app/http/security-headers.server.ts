import { randomBytes } from 'node:crypto'
import { createContext, type MiddlewareFunction, type RouterContextProvider } from 'react-router'
import { appOrigin, authMode, clerkFrontendApi } from '../auth/session.server'
import { env } from '../env.server'

/**
 * Security headers on every response of the app, a fresh CSP nonce for every request, and the
 * cross-site check that React Router's own leaves open.
 */
export const nonceContext = createContext<string>('')

export const nonceOf = (context: Readonly<RouterContextProvider>) => context.get(nonceContext)

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

const fixedHeaders: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy':
    'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  ...(env.NODE_ENV === 'production'
    ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }
    : {}),
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export const securityHeaders: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  // React Router refuses a cross-origin action on a page, but not on a resource route (such as
  // /sign-out); this refuses both. A browser that sends no Origin still says where the request
  // came from in Sec-Fetch-Site. Server-to-server callers (Clerk's webhook) send neither.
  const origin = request.headers.get('Origin')
  const crossSite =
    stateChanging.has(request.method) &&
    ((origin !== null && origin !== appOrigin(request)) ||
      request.headers.get('Sec-Fetch-Site') === 'cross-site')
  const nonce = randomBytes(16).toString('base64')
  context.set(nonceContext, nonce)
  const response = crossSite
    ? new Response('Cross-site form posts are not accepted.', {
        status: 403,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    : await next()
  response.headers.set('Content-Security-Policy', contentSecurityPolicy(nonce))
  for (const [name, value] of Object.entries(fixedHeaders)) response.headers.set(name, value)
  response.headers.delete('X-Powered-By')
  return response
}
