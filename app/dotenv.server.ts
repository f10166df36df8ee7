import { existsSync } from 'node:fs'

/**
 * A .env file fills in what the shell did not set. Tests never read it, so a developer's own
 * DATABASE_URL (or Clerk keys) cannot leak into a test run. Used by env.server.ts, and by the
 * migration runner, which must not parse the app's whole environment.
 */
export function loadDotEnv() {
  if (process.env.NODE_ENV !== 'test' && existsSync('.env')) process.loadEnvFile('.env')
}
