const base = 'http://quotebook.invalid'

const leavesSite = (path: string) =>
  !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')

// What a page's address never carries: React Router's markers (a data request's route list, a
// form posted to an index route) and Clerk's handshake, which only Clerk's own flow may bring.
const notForPages = (name: string, value: string) =>
  name === '_routes' || (name === 'index' && value === '') || name.startsWith('__clerk_handshake')

/**
 * A same-origin path to go to after signing in, or `fallback`. Anything that could leave the
 * site (`//evil`, `/\evil`, `https://…`, `javascript:…`) is refused, before and after the path
 * is normalised (`/.//evil` becomes `//evil`), as is a path with control characters, which
 * browsers strip before resolving it. A data URL becomes its page's (`/_.data` is `/`,
 * `/sign-in.data` is `/sign-in`), without React Router's markers or Clerk's handshake.
 */
export function safeRedirectPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 2048 || leavesSite(value)) return fallback
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  const url = new URL(value, base)
  if (url.pathname.endsWith('.data')) {
    // React Router's rule: `/_.data` is the data URL of `/`.
    url.pathname = url.pathname.replace(
      url.pathname.endsWith('/_.data') ? /_\.data$/ : /\.data$/,
      '',
    )
  }
  const unwanted = [...url.searchParams].filter(([name, value]) => notForPages(name, value))
  for (const [name, value] of unwanted) url.searchParams.delete(name, value)
  const path = `${url.pathname}${url.search}${url.hash}`
  if (url.origin !== base || leavesSite(path)) return fallback
  return path
}
