import type { LoaderFunctionArgs, MiddlewareFunction } from 'react-router'
import { withCookies } from '../http/cookies.server'
import { secureCookies } from '../http/origin.server'
import { clearedSessionCookies, LOCAL_FRONTEND_API } from './local-identity.server'
import { safeRedirectPath } from './redirect'

const sessionCookieNames = /(?:^|;\s*)(?:__session|__client_uat)=/

/**
 * Local mode's middleware, before Clerk's. Clerk answers an expired session on a page load with a
 * redirect to its Frontend API to refresh it (the "handshake"); there is no Frontend API here.
 * That redirect, and any session Clerk refused, ends instead in a signed-out state with the
 * cookies cleared. `userIdOf` is Clerk's verdict on the request (auth/session.server.ts).
 */
export const endRefusedLocalSessions =
  (userIdOf: (args: LoaderFunctionArgs) => Promise<string | null>): MiddlewareFunction<Response> =>
  async (args, next) => {
    const response = await next()
    const { request } = args
    if (!sessionCookieNames.test(request.headers.get('Cookie') ?? '')) return response
    const cleared = clearedSessionCookies({ secure: secureCookies(request) })
    const location = response.headers.get('Location') ?? ''
    if (response.status === 307 && new URL(location, request.url).hostname === LOCAL_FRONTEND_API) {
      const url = new URL(request.url)
      const headers = new Headers({
        Location: safeRedirectPath(`${url.pathname}${url.search}`),
        'Cache-Control': 'no-store',
      })
      // Clerk's reason goes along, for the server's debug log (never to the client in production).
      for (const [name, value] of response.headers) {
        if (name.startsWith('x-clerk-auth-')) headers.set(name, value)
      }
      return new Response(null, { status: 302, headers: withCookies(cleared, headers) })
    }
    const userId = await userIdOf(args as LoaderFunctionArgs)
    const setsSession = response.headers
      .getSetCookie()
      .some((cookie) => cookie.startsWith('__session='))
    if (userId === null && !setsSession) {
      for (const cookie of cleared) response.headers.append('Set-Cookie', cookie)
    }
    return response
  }
