const base = 'http://quotebook.invalid'

const leavesSite = (path: string) =>
  !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')

/**
 * A same-origin path to go to after signing in, or `fallback`. Anything that could leave the
 * site (`//evil`, `/\evil`, `https://…`, `javascript:…`) is refused, before and after the path
 * is normalised (`/.//evil` becomes `//evil`), as is a path with control characters, which
 * browsers strip before resolving it.
 */
export function safeRedirectPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 2048 || leavesSite(value)) return fallback
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  const url = new URL(value, base)
  const path = `${url.pathname}${url.search}${url.hash}`
  if (url.origin !== base || leavesSite(path)) return fallback
  return path
}
