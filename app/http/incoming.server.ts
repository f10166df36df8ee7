/**
 * What the production server reads from an incoming HTTP request before React Router sees it:
 * pure functions of the request line and headers, so each is tested on its own
 * (incoming.server.test.ts).
 */

export interface RequestTarget {
  /** As sent, percent-escapes and all; always starts with `/`. */
  path: string
  /** `?…` or the empty string. */
  search: string
}

/**
 * The path and query of a request line: origin-form (`/path?q`), or absolute-form
 * (`http://host/path?q`, which proxies may send) with its host ignored. Null for anything else,
 * and for a path with a broken percent-escape (`/%`), which React Router could not decode.
 */
export function requestTarget(raw: string): RequestTarget | null {
  let target = raw
  if (!target.startsWith('/')) {
    if (!/^https?:\/\//i.test(target) || !URL.canParse(target)) return null
    const url = new URL(target)
    target = `${url.pathname}${url.search}`
  }
  const queryAt = target.indexOf('?')
  const path = queryAt === -1 ? target : target.slice(0, queryAt)
  const search = queryAt === -1 ? '' : target.slice(queryAt)
  try {
    decodeURI(path)
  } catch {
    return null
  }
  return { path, search }
}

/**
 * Without APP_URL (development and tests only): the origin the Host header names, if it is a
 * well-formed host with an optional port that a URL can hold.
 */
export function originFromHost(host: string | undefined): string | null {
  if (host === undefined) return null
  const wellFormed = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/
  if (!wellFormed.test(host)) return null
  const origin = `http://${host.toLowerCase()}`
  return URL.canParse(origin) ? new URL(origin).origin : null
}

/** Headers a client or a proxy can set to claim another origin than the one the app serves. */
const claimsOrigin = (name: string) =>
  name === 'host' || name === 'forwarded' || name.startsWith('x-forwarded-')

/**
 * The request's headers as React Router and Clerk get them. With a public origin (APP_URL), the
 * `Host` header is that origin's host, and no `Forwarded` or `X-Forwarded-*` header is passed on:
 * Clerk rebuilds the request's URL from them, and a client can send any of them. Several
 * `Cookie` headers (which HTTP/2 proxies may split the cookies into) become one, joined with `; `.
 */
export function requestHeaders(rawHeaders: string[], publicOrigin: string | undefined): Headers {
  const headers = new Headers()
  const cookies: string[] = []
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!
    const value = rawHeaders[index + 1]!
    const lower = name.toLowerCase()
    if (lower === 'cookie') cookies.push(value)
    else if (publicOrigin === undefined || !claimsOrigin(lower)) headers.append(name, value)
  }
  if (cookies.length > 0) headers.set('Cookie', cookies.join('; '))
  if (publicOrigin !== undefined) headers.set('Host', new URL(publicOrigin).host)
  return headers
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

export const CROSS_SITE_REFUSAL = 'Cross-site form posts are not accepted.\n'
