import { EventEmitter } from 'node:events'
import type { Server } from 'node:http'
import { parseArgs } from 'node:util'
import { createServer } from 'vite'
import { loadDotEnv } from './dotenv.server.ts'
import { isFixable } from './start-failure.ts'
import type { serveDevelopment as ServeDevelopment } from './server.ts'

/**
 * `npm run dev [-- --port N --host H --strictPort --force]`: Vite in middleware mode, and the
 * app's own server (server.ts, loaded through Vite so that it and the routes share their modules)
 * answering every request, as in production. Node runs this file as it is, so it imports only
 * Vite, Node and a module without imports of its own.
 */

// `--host` alone means every interface, as it does for Vite.
const argv = process.argv
  .slice(2)
  .map((arg, index, all) =>
    arg === '--host' && (all[index + 1] === undefined || all[index + 1]!.startsWith('--'))
      ? '--host='
      : arg,
  )
const { values } = parseArgs({
  args: argv,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    strictPort: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
})

process.env.NODE_ENV ??= 'development'
loadDotEnv()
// Vite's usual port and interface (this machine only, where the local sign-in lets anyone be
// anyone), unless the command line or the environment names others; `--host` alone opens it.
process.env.PORT = values.port ?? process.env.PORT ?? '5173'
process.env.HOST = values.host ?? process.env.HOST ?? 'localhost'
if (process.env.HOST === '') delete process.env.HOST

// Vite's hot reload takes its WebSocket upgrades from the app's server, relayed through this.
const upgrades = new EventEmitter()
const ownSignalListeners = new Set(process.listeners('SIGTERM'))
const vite = await createServer({
  appType: 'custom',
  // Vite's hot reload only listens for the server's 'upgrade' events, which the relay emits.
  server: { middlewareMode: true, ws: { server: upgrades as unknown as Server } },
  optimizeDeps: { force: values.force },
})
// React Router's plugin starts Vite servers of its own (a child compiler, a config loader), and
// each exits the process on SIGTERM, cutting the server's drain short; closing Vite closes them.
for (const listener of process.listeners('SIGTERM')) {
  if (!ownSignalListeners.has(listener)) process.off('SIGTERM', listener)
}
try {
  const { serveDevelopment } = (await vite.ssrLoadModule('/app/server.ts')) as {
    serveDevelopment: typeof ServeDevelopment
  }
  const url = await serveDevelopment(vite, { strictPort: values.strictPort, upgrades })
  console.info(`\n  Quotebook (development): ${url}\n`)
} catch (error) {
  await vite.close()
  // Something to fix (a port, a setting, a database in use): what to do, without a stack;
  // anything else as it is.
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `quotebook: port ${process.env.PORT} is in use; start with --port N, or without --strictPort`,
    )
    process.exit(1)
  }
  if (!isFixable(error)) throw error
  console.error(`quotebook: ${error.message}`)
  process.exit(1)
}
