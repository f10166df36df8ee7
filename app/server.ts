import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ServerBuild } from 'react-router'

/**
 * The production build's entry, `build/server/index.js` (see vite.config.ts):
 *
 *   node build/server/index.js            serves the app (npm start)
 *   node build/server/index.js migrate    applies the migrations in sql/ (npm run db:migrate)
 *
 * Imported rather than run (the integration tests do), it starts nothing and only offers the
 * app's build. Each command loads only what it needs: migrating reads no app setting but the
 * database's, so a deploy can migrate before the app's other variables exist.
 */

/** React Router's server build of the app: routes, entry and assets manifest. */
export async function loadAppBuild(): Promise<ServerBuild> {
  // React Router's Vite plugin provides this module at build time.
  return import('virtual:react-router/server-build')
}

const runAsCommand =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href

if (runAsCommand) {
  const [command, ...args] = process.argv.slice(2)
  if (command === 'migrate') {
    const { migrateCommand } = await import('./db/migrate')
    process.exitCode = await migrateCommand(args)
  } else {
    // `npm start` serves for production unless NODE_ENV says otherwise, as react-router-serve did.
    process.env.NODE_ENV ??= 'production'
    const { serve } = await import('./http/node-server.server')
    await serve(await loadAppBuild(), {
      clientDirectory: fileURLToPath(new URL('../client/', import.meta.url)),
    })
  }
}
