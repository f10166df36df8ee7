import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
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

// Compared as real paths: a release layout often starts the server through a symlink
// (`/srv/quotebook/current/build/server/index.js`), and import.meta.url is the resolved file.
const runAsCommand =
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))

if (runAsCommand) {
  const [command, ...args] = process.argv.slice(2)
  if (command === 'migrate') {
    const { migrateCommand } = await import('./db/migrate-command')
    process.exitCode = await migrateCommand(args, {
      // sql/ beside build/, wherever the command is started from.
      migrationsDir: fileURLToPath(new URL('../../sql/', import.meta.url)),
    })
  } else {
    // `npm start` serves for production unless NODE_ENV says otherwise, as react-router-serve did.
    process.env.NODE_ENV ??= 'production'
    try {
      const { serve } = await import('./http/node-server.server')
      const { prepareAuth } = await import('./auth/clerk-options.server')
      prepareAuth()
      await serve(await loadAppBuild(), {
        clientDirectory: fileURLToPath(new URL('../client/', import.meta.url)),
      })
    } catch (error) {
      // A setting to fix (env.server.ts): what to do, without a stack; anything else as it is.
      if (!(error instanceof Error && error.name === 'EnvironmentError')) throw error
      console.error(`quotebook: ${error.message}`)
      process.exit(1)
    }
  }
}
