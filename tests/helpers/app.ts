export const ORIGIN = 'http://localhost'

/**
 * The app's answer to a web Request over the production build (made by build.ts), with the
 * environment this test file set before calling it: what the production server does once its
 * Node-level refusals are passed (the request's identity, the cross-site refusal, React Router
 * with its middleware, loaders and actions, the app's headers). See app/server.ts `answer`.
 */
export async function appHandler(): Promise<(request: Request) => Promise<Response>> {
  // @ts-expect-error The build is plain JavaScript, made by the global setup (build.ts).
  const { answer } = (await import('../../build/server/index.js')) as {
    answer(request: Request): Promise<Response>
  }
  return answer
}

/** A `Cookie` header from name=value pairs. */
export const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ')

export function get(path: string, cookies: Record<string, string> = {}, headers: HeadersInit = {}) {
  return new Request(new URL(path, ORIGIN), {
    headers: { Cookie: cookieHeader(cookies), ...headers },
  })
}

export function post(
  path: string,
  form: Record<string, string> | URLSearchParams,
  cookies: Record<string, string> = {},
  headers: HeadersInit = {},
) {
  return new Request(new URL(path, ORIGIN), {
    method: 'POST',
    body: form instanceof URLSearchParams ? form : new URLSearchParams(form),
    headers: { Cookie: cookieHeader(cookies), Origin: ORIGIN, ...headers },
  })
}

/** The cookies a response sets, by name, with their attributes. */
export function setCookies(
  response: Response,
): Map<string, { value: string; attributes: string[] }> {
  const cookies = new Map<string, { value: string; attributes: string[] }>()
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
    const index = pair.indexOf('=')
    cookies.set(pair.slice(0, index), { value: pair.slice(index + 1), attributes })
  }
  return cookies
}
