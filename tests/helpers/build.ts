import { execFileSync } from 'node:child_process'

/**
 * Vitest global setup for the integration tests: one production build, which the tests load
 * and call through React Router's real request handler (see app.ts).
 */
export default function buildOnce() {
  // Vitest's own variables would make vite.config.ts leave out the app's plugins.
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')),
    ),
    NODE_ENV: 'production',
  }
  execFileSync('node_modules/.bin/react-router', ['build'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}
