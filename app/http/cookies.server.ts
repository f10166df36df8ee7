/**
 * The app's cookies, as HTTP sees them: the attributes they all share, reading one by name,
 * clearing one, and setting several. (What they carry is decided elsewhere: the session in
 * auth/, the status and the kept draft in quotes/carried-over.server.ts.)
 * `secure` is whether the app is served over https (`secureCookies` in env.server.ts); this module reads no
 * environment, so the local issuer can use it anywhere, tests included.
 */

/** The attributes of every cookie the app sets: site-wide, HttpOnly, SameSite=Lax. */
export const cookieAttributes = ({ secure }: { secure: boolean }, maxAge: number) =>
  `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`

/** The value of the request's cookie `name`, or undefined. */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('Cookie') ?? '').split(';')) {
    const index = part.indexOf('=')
    if (index !== -1 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}

/** A Set-Cookie header that removes the cookie `name` (set with `secure` as it was). */
export const clearedCookie = (name: string, secure: boolean) =>
  `${name}=; ${cookieAttributes({ secure }, 0)}`

/** Headers with one Set-Cookie for each cookie given, as a response needs them. */
export function withCookies(cookies: string[], init?: HeadersInit): Headers {
  const headers = new Headers(init)
  for (const cookie of cookies) headers.append('Set-Cookie', cookie)
  return headers
}
