/**
 * The app's cookies, as HTTP sees them: the attributes they all share, and setting several.
 * (What they carry is decided elsewhere: the session in auth/, the status and the kept draft in
 * routes/quote/carried-over.server.ts.)
 * `secure` is whether the app is served over https (`secureCookies` in env.server.ts); this module reads no
 * environment, so the local issuer can use it anywhere, tests included.
 */

/** The attributes of every cookie the app sets: site-wide, HttpOnly, SameSite=Lax. */
export const cookieAttributes = ({ secure }: { secure: boolean }, maxAge: number) =>
  `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`

/** Headers with one Set-Cookie for each cookie given, as a response needs them. */
export function withCookies(cookies: string[], init?: HeadersInit): Headers {
  const headers = new Headers(init)
  for (const cookie of cookies) headers.append('Set-Cookie', cookie)
  return headers
}
