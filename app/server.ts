import type { EventEmitter } from 'node:events'
import { realpathSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { ServerBuild } from 'react-router'
import type { ViteDevServer } from 'vite'
import type { BrowserAssets } from './http/answer.server'
import type { ListenOptions } from './http/listen.server'
import type { BuildSource } from './http/router-answer.server'
import { isFixable } from './start-failure'

/**
 * Where the app is put together: one server for production and development, which differ only
 * in where the browser's files and React Router's build come from.
 *
 *   node build/server/index.js            serves the app (npm start)
 *   node build/server/index.js migrate    applies the migrations in sql/ (npm run db:migrate)
 *   npm run dev                           app/dev-server.ts: Vite in middleware mode, then
 *                                         `serveDevelopment` below, loaded through Vite
 *
 * Imported rather than run (the integration tests do), it starts nothing and offers the app's
 * build and `answer`. Each command loads only what it needs: migrating reads no app setting but
 * the database's, so a deploy can migrate before the app's other variables exist.
 */

/** React Router's server build of the app: routes, entry and assets manifest. */
async function loadAppBuild(): Promise<ServerBuild> {
  // React Router's Vite plugin provides this module at build time.
  return import('virtual:react-router/server-build')
}

let webAnswer: Promise<(request: Request) => Promise<Response>> | undefined

/**
 * The app's answer to a web Request: what the server does once Node-level refusals are passed
 * (identity, the cross-site refusal, React Router, the app's headers). For the integration tests.
 */
export async function answer(request: Request): Promise<Response> {
  webAnswer ??= import('./http/router-answer.server').then(async (web) => {
    await connectSessionTokens()
    return web.webAnswer(web.routerAnswer(await loadAppBuild()))
  })
  return (await webAnswer)(request)
}

/**
 * `npm run dev`: the same server, with Vite's middlewares for the browser's modules and hot
 * reload, and React Router's build loaded through Vite per request, so an edit shows on the next.
 * `upgrades` receives the server's WebSocket upgrades, which Vite's hot reload listens for.
 */
export async function serveDevelopment(
  vite: ViteDevServer,
  { strictPort, upgrades }: { strictPort: boolean; upgrades: EventEmitter },
): Promise<string> {
  const server = await serve(
    () => vite.ssrLoadModule('virtual:react-router/server-build') as Promise<ServerBuild>,
    { vite: vite.middlewares },
    {
      strictPort,
      upgrades: {
        accepts: isViteHotReload,
        relay: (req: IncomingMessage, socket: Duplex, head: Buffer) =>
          upgrades.emit('upgrade', req, socket, head),
      },
      onStopped: () => vite.close(),
    },
  )
  const { address, port } = server.address() as AddressInfo
  // Every interface, or `localhost` as resolved: the browser on this machine says localhost.
  const host = ['::', '0.0.0.0', '::1'].includes(address) ? 'localhost' : address
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
}

// The upgrades Vite's hot reload takes (its client's socket and its ping, at the root); Vite
// leaves any other unanswered, so the server refuses them.
const isViteHotReload = (req: IncomingMessage) =>
  ['vite-hmr', 'vite-ping'].includes(req.headers['sec-websocket-protocol'] ?? '') &&
  (req.url ?? '').split('?')[0] === '/'

/** With Neon RLS on this machine, the database's side checks session tokens with auth's keys. */
async function connectSessionTokens() {
  const [{ trustSessionTokens }, { sessionTokenKeys }] = await Promise.all([
    import('./db/client.server'),
    import('./auth/clerk-options.server'),
  ])
  trustSessionTokens(sessionTokenKeys)
}

async function serve(
  build: BuildSource,
  assets: BrowserAssets,
  options: {
    strictPort?: boolean
    upgrades?: ListenOptions['upgrades']
    onStopped?: () => Promise<void>
  } = {},
) {
  const [
    { env },
    { plainEnvironment },
    { prepareAuth },
    { routeConsoleToLog },
    { nodeAnswer },
    router,
    listening,
  ] = await Promise.all([
    import('./env.server'),
    import('./auth/plain-environment.server'),
    import('./auth/clerk-options.server'),
    import('./http/log.server'),
    import('./http/answer.server'),
    import('./http/router-answer.server'),
    import('./http/listen.server'),
  ])
  const { closeDatabase, databaseOpened } = await import('./db/client.server')
  // Whatever a library writes becomes one line of the JSON log; under Vite its messages (an
  // error's stack, a reload) stay as they are, for the developer.
  if (!('vite' in assets)) routeConsoleToLog()
  plainEnvironment()
  prepareAuth()
  await connectSessionTokens()
  // An embedded database another server holds stops this one before it listens, saying why,
  // rather than answering every signed-in page with "Something went wrong".
  await databaseOpened().catch(async (error: unknown) => {
    await closeDatabase()
    throw error
  })
  if (env.NODE_ENV === 'production') {
    const { checkDatabaseAtStartup } = await import('./db/startup-check.server')
    if (!(await checkDatabaseAtStartup())) {
      await closeDatabase()
      process.exit(1)
    }
  }
  return listening.listen(nodeAnswer(router.routerAnswer(build), assets), {
    port: env.PORT,
    host: env.HOST,
    strictPort: options.strictPort,
    upgrades: options.upgrades,
    onStopped: async () => {
      await closeDatabase()
      await options.onStopped?.()
    },
  })
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
    // `npm start` serves for production unless NODE_ENV says otherwise.
    process.env.NODE_ENV ??= 'production'
    try {
      const { loadStaticFiles } = await import('./http/static-files.server')
      await serve(await loadAppBuild(), {
        files: loadStaticFiles(fileURLToPath(new URL('../client/', import.meta.url))),
      })
    } catch (error) {
      if (!isFixable(error)) throw error
      console.error(`quotebook: ${error.message}`)
      process.exit(1)
    }
  }
}
