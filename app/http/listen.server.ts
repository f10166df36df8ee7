import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { NodeAnswer } from './answer.server'
import { logLine } from './log.server'
import { refuseUpgrade } from './raw-answers.server'

/**
 * Quotebook's HTTP server: `node:http` with the limits below, listening on PORT and HOST, and on
 * SIGTERM or SIGINT draining what is in flight before it stops. See app/README.md ("Quotebook's
 * own server") for why not Express.
 */

// In-flight requests get this long to finish after SIGTERM before their connections are cut.
const DRAIN_MS = 10_000

export interface ListenOptions {
  port: number
  host: string | undefined
  /** Fail when the port is taken, rather than try the next one (development only). */
  strictPort?: boolean
  /** WebSocket upgrades, for Vite's hot reload in development: those it takes, and where to. */
  upgrades?: {
    accepts: (req: IncomingMessage) => boolean
    relay: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  }
  /** Once the last request is done: release what the process holds (the database). */
  onStopped: () => Promise<void>
}

export async function listen(answer: NodeAnswer, options: ListenOptions): Promise<Server> {
  let draining = false
  const server = createServer(
    {
      // Without APP_URL a request without Host is refused by the answer, with the app's headers;
      // Node's own refusal would have none.
      requireHostHeader: false,
      // Longer than the idle timeout of the usual load balancers (60 s), so that the balancer,
      // not this server, closes an idle connection; otherwise a request can race the close and
      // get a 502.
      keepAliveTimeout: 65_000,
      // A form is at most 16 KB; a client that takes longer than this to send one is stalling.
      headersTimeout: 20_000,
      requestTimeout: 30_000,
      // How often Node checks those two; its default (30 s) let a slow request run 30 s over.
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => accept(req, res),
  )
  const accept: typeof answer.accept = (req, res, expectation) => {
    answer.accept(req, res, expectation)
    // A keep-alive connection whose response began before SIGTERM goes idle only now.
    res.once('close', () => {
      if (draining) setImmediate(() => server.closeIdleConnections())
    })
  }
  // `Expect: 100-continue`: the answer's refusals run before the client is told to send its body.
  server.on('checkContinue', (req, res) => accept(req, res, 'continue'))
  server.on('checkExpectation', (req, res) => accept(req, res, 'unknown expectation'))
  server.on('connect', answer.refuseConnect)
  server.on('clientError', answer.refuseUnparsable)
  // Upgraded connections (Vite's hot reload) are no longer the server's: it would wait on them
  // forever at shutdown, so they are closed with it.
  const upgraded = new Set<Duplex>()
  const { upgrades } = options
  if (upgrades) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!upgrades.accepts(req)) return refuseUpgrade(req, socket)
      upgraded.add(socket)
      socket.once('close', () => upgraded.delete(socket))
      upgrades.relay(req, socket, head)
    })
  }

  const port = await listenOnFreePort(server, options)
  logLine('info', { message: 'listening', port, host: options.host ?? 'all interfaces' })

  const cutOffRequests = () => {
    answer.markCutOff()
    server.closeAllConnections()
  }
  async function shutDown(signal: NodeJS.Signals) {
    // A second signal (Ctrl-C again) ends the wait for requests in flight, not the shutdown.
    if (draining) return cutOffRequests()
    draining = true
    answer.startDraining()
    logLine('info', { message: 'shutting down', signal })
    // Stop accepting; idle keep-alive connections close now, busy ones after their response.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    for (const socket of upgraded) socket.destroy()
    const cutOff = setTimeout(cutOffRequests, DRAIN_MS)
    await closed
    clearTimeout(cutOff)
    answer.logUnfinished()
    await options.onStopped()
    logLine('info', { message: 'stopped' })
    process.exit(0)
  }
  process.on('SIGTERM', shutDown)
  process.on('SIGINT', shutDown)
  return server
}

/** The port it listens on: PORT, or with strictPort false the next free one after it. */
async function listenOnFreePort(
  server: Server,
  { port, host, strictPort = true }: ListenOptions,
): Promise<number> {
  for (let candidate = port; ; candidate += 1) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(candidate, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      const address = server.address()
      return typeof address === 'object' && address !== null ? address.port : candidate
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      if (!taken || strictPort || port === 0 || candidate >= 65_535) throw error
    }
  }
}
