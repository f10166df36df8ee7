const base = 'http://quotebook.invalid'

/**
 * A same-origin path to go to after signing in, or `fallback`. Anything that could leave the
 * site (`//evil`, `/\evil`, `https://…`, `javascript:…`) is refused, as is a path with control
 * characters, which browsers strip before resolving it.
 */
export function safeRedirectPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 2048) return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  const url = new URL(value, base)
  if (url.origin !== base) return fallback
  return `${url.pathname}${url.search}${url.hash}`
}
