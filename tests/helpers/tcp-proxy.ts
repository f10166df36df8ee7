import { createServer, type Server, type Socket, connect } from 'node:net'

export type ProxyMode = 'forward' | 'blackhole'

/**
 * A TCP proxy on a loopback port in front of a database, for fault tests. In `blackhole` mode it
 * keeps every connection open and forwards nothing, as a database that stopped answering does.
 */
export async function tcpProxy(targetPort: number) {
  let mode: ProxyMode = 'forward'
  const pairs = new Set<{ client: Socket; upstream: Socket }>()
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    const pair = { client, upstream }
    pairs.add(pair)
    const close = () => {
      client.destroy()
      upstream.destroy()
      pairs.delete(pair)
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
    client.on('data', (chunk) => (mode === 'forward' ? upstream.write(chunk) : undefined))
    upstream.on('data', (chunk) => (mode === 'forward' ? client.write(chunk) : undefined))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no proxy port')
  return {
    port: address.port,
    setMode(next: ProxyMode) {
      mode = next
      // A request swallowed by the black hole stays unanswered: drop those connections.
      if (next === 'forward') for (const pair of [...pairs]) pair.client.destroy()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, upstream } of pairs) {
          client.destroy()
          upstream.destroy()
        }
        server.close(() => resolve())
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
