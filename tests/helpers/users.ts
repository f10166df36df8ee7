let made = 0

/** An email address no other test uses, so tests can run in parallel against one database. */
export function uniqueEmail(): string {
  made += 1
  return `user-${process.pid}-${Date.now()}-${made}@example.com`
}

/**
 * Sends one request to the app and answers with its response, unfollowed: the build's handler
 * (tests/helpers/app.ts), a running server, or a browser context's request API.
 */
export type Send = (request: Request) => Promise<Response>

export interface SignedIn {
  email: string
  /** The session cookies, by name. */
  cookies: Record<string, string>
  /** The same, as one `Cookie` header. */
  cookie: string
  /** The sign-in's own answer (a 303 with the cookies). */
  response: Response
}

/**
 * The one way a test signs a user in: the app's local sign-in form, posted from `origin` (the
 * origin the app is served at) through `send`. A new user unless `email` says otherwise.
 */
export async function signIn(
  send: Send,
  origin: string,
  { email = uniqueEmail(), name = 'Ada Lovelace' }: { email?: string; name?: string } = {},
): Promise<SignedIn> {
  const response = await send(
    new Request(new URL('/sign-in', origin), {
      method: 'POST',
      body: new URLSearchParams({ email, name }),
      headers: { Origin: origin },
      redirect: 'manual',
    }),
  )
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`)
  const cookies: Record<string, string> = {}
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!
    const equals = pair.indexOf('=')
    cookies[pair.slice(0, equals)] = pair.slice(equals + 1)
  }
  const cookie = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ')
  return { email, cookies, cookie, response }
}
