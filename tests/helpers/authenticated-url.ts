/**
 * Neon RLS's connection string (DATABASE_AUTHENTICATED_URL) for a database: the same host, port
 * and database as the role `authenticated`, with no password (a token is its credential); for
 * the embedded database (no URL, or an empty one, as the app reads it), the form it takes.
 */
export function authenticatedUrl(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'postgresql://authenticated@localhost/postgres'
  const url = new URL(databaseUrl)
  url.username = 'authenticated'
  url.password = ''
  return url.href
}
