import { fileURLToPath } from 'node:url'

/**
 * The e2e server's data directory, made anew for each run. Tests read the local issuer's key
 * from it to forge an expired session.
 */
export const e2eDataDir = fileURLToPath(new URL('../.artifacts/e2e-data', import.meta.url))

/** Screenshots of the page's states, kept as test artifacts. */
export const screenshotDir = fileURLToPath(new URL('../.artifacts/screenshots', import.meta.url))
