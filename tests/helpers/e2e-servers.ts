import { fileURLToPath } from 'node:url'
import { authenticatedUrl } from './authenticated-url'

export { authenticatedUrl }

/**
 * How a server's per-user statements pass row-level security, as its /healthz names it: as the
 * quotebook_app role with the user id the app sets (the default), or as the `authenticated` role
 * with the user's session token, which Postgres checks itself (DATABASE_AUTHENTICATED_URL set).
 */
export type RowLevelSecurity = 'app-role' | 'token'

/** The option each Playwright project sets: which of the run's servers its tests use. */
export interface ServerOptions {
  rowLevelSecurity: RowLevelSecurity
}

const artifact = (name: string) => fileURLToPath(new URL(`../.artifacts/${name}`, import.meta.url))
const port = Number(process.env.E2E_PORT ?? 4317)

/**
 * The end-to-end run's production servers, one per mode (playwright.config.ts): where each
 * listens, and its data directory, made anew for each run. Tests read the local issuer's key
 * from a server's data directory to forge an expired session for it.
 */
export const e2eServers: Record<RowLevelSecurity, { port: number; dataDir: string }> = {
  'app-role': { port, dataDir: artifact('e2e-data') },
  token: { port: port + 1, dataDir: artifact('e2e-data-token') },
}

export const baseUrlOf = (mode: RowLevelSecurity) => `http://127.0.0.1:${e2eServers[mode].port}`

/** What a server on `databaseUrl` (unset: the embedded database) needs besides to run in `mode`. */
export const rowLevelSecurityEnv = (
  mode: RowLevelSecurity,
  databaseUrl: string | undefined,
): Record<string, string> =>
  mode === 'token' ? { DATABASE_AUTHENTICATED_URL: authenticatedUrl(databaseUrl) } : {}

/** Screenshots of the page's states, kept as test artifacts. */
export const screenshotDir = artifact('screenshots')
