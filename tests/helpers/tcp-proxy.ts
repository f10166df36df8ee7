import { createServer, type Server, type Socket, connect } from 'node:net'

/**
 * - `forward`: bytes pass both ways.
 * - `blackhole`: every connection stays open and nothing is forwarded, as a database that stopped
 *   answering; going back to `forward` drops those connections.
 * - `hold`: a frozen network. Bytes are kept, in order, in both directions; going back to
 *   `forward` delivers them. A client that closed meanwhile is closed towards the database only
 *   once its bytes are through, as a TCP close travels behind the data sent before it.
 * And `down()`/`up()`: a database server that stopped. Its connections are cut and new ones are
 * refused (the port stops listening) until `up()` listens on the same port again.
 */
export type ProxyMode = 'forward' | 'blackhole' | 'hold'

interface Pair {
  client: Socket
  upstream: Socket
  toUpstream: Buffer[]
  toClient: Buffer[]
  clientGone: boolean
}

/** A TCP proxy on a loopback port in front of a database, for fault tests. */
export async function tcpProxy(targetPort: number) {
  let mode: ProxyMode = 'forward'
  // Freeze the network once a client has sent these bytes and `then` more chunks (holdAfter).
  let trigger: string | undefined
  let then = 0
  let seen = false
  // Chunks passed on to the database: one per write of the client, on loopback.
  let writesToDatabase = 0
  const pairs = new Set<Pair>()
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [], clientGone: false }
    pairs.add(pair)
    const close = () => {
      client.destroy()
      upstream.destroy()
      pairs.delete(pair)
    }
    const clientClosed = () => {
      // What the client sent before closing still reaches the database once the network thaws.
      if (mode === 'hold' && pair.toUpstream.length > 0) pair.clientGone = true
      else close()
    }
    client.on('error', clientClosed).on('close', clientClosed)
    upstream.on('error', close).on('close', close)
    client.on('data', (chunk: Buffer) => {
      if (mode === 'forward') writesToDatabase += 1
      if (mode === 'forward' && trigger !== undefined && (seen || chunk.includes(trigger))) {
        upstream.write(chunk)
        if (seen) then -= 1
        seen = true
        if (then === 0) {
          mode = 'hold'
          trigger = undefined
        }
      } else if (mode === 'forward') upstream.write(chunk)
      else if (mode === 'hold') pair.toUpstream.push(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'forward') client.write(chunk)
      else if (mode === 'hold') pair.toClient.push(chunk)
    })
  })
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  const dropAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy()
      upstream.destroy()
    }
    pairs.clear()
  }
  await listen(0)
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no proxy port')
  const port = address.port
  return {
    port,
    setMode(next: ProxyMode) {
      const previous = mode
      mode = next
      trigger = undefined
      if (next !== 'forward') return
      // A request swallowed by the black hole stays unanswered: drop those connections.
      if (previous === 'blackhole') for (const pair of [...pairs]) pair.client.destroy()
      if (previous === 'hold') {
        for (const pair of [...pairs]) {
          for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk)
          if (pair.clientGone) {
            pair.upstream.end()
            pairs.delete(pair)
            continue
          }
          for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk)
        }
      }
    },
    /**
     * Stays in `forward` until a client sends `text`, passes that chunk and the next `more` on,
     * then holds.
     */
    holdAfter(text: string, more = 0) {
      trigger = text
      then = more
      seen = false
    },
    get mode() {
      return mode
    },
    /** How many chunks clients have sent through to the database so far. */
    get writesToDatabase() {
      return writesToDatabase
    },
    /** Cuts every connection and refuses new ones, as a database server that stopped. */
    down: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        dropAll()
      }),
    /** Listens again, on the same port, after `down()`. */
    up: () => listen(port),
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) resolve()
        else server.close(() => resolve())
        dropAll()
      }),
  }
}

/** A free port on 127.0.0.1, for a server the test starts. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
