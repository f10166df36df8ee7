// Loaded with `node --import` into every server `npm run bench` measures (the app, the baseline
// and the quickstart-shaped app). It counts, without touching their code:
// - database round trips: every request the neon() driver hands to its fetch function;
// - outbound requests: every fetch or http(s) request to a host other than loopback, and
//   those to Clerk among them, since the last reset and since the process started;
// - the CPU time the process used (user and system) since the last reset.
// The bench reads and resets the counters over the IPC channel it spawned the server with.
import http from 'node:http'
import https from 'node:https'
import { neonConfig } from '@neondatabase/serverless'
import { isLoopback } from '../helpers/loopback.mjs'

const counters = { database: 0, outbound: 0, clerk: 0, outboundHosts: [] }
// Never reset: warm-ups, probes and start-up count too.
const sinceStart = { outbound: 0, clerk: 0, outboundHosts: [] }
let cpuAtReset = process.cpuUsage()

function recordOutbound(hostname) {
  if (isLoopback(hostname)) return
  for (const count of [counters, sinceStart]) {
    count.outbound += 1
    if (/clerk/i.test(hostname)) count.clerk += 1
    if (count.outboundHosts.length < 20) count.outboundHosts.push(hostname)
  }
}

const realFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  recordOutbound(url.hostname)
  return realFetch(input, init)
}

for (const module of [http, https]) {
  const request = module.request
  module.request = function (...args) {
    const [first] = args
    const host =
      typeof first === 'string' || first instanceof URL
        ? new URL(first).hostname
        : (first?.hostname ?? first?.host ?? 'localhost')
    recordOutbound(String(host).replace(/:\d+$/, ''))
    return request.apply(this, args)
  }
}

// neonConfig.fetchFunction is a static accessor; wrap whatever the app installs (or fetch).
const accessor = Object.getOwnPropertyDescriptor(neonConfig, 'fetchFunction')
Object.defineProperty(neonConfig, 'fetchFunction', {
  configurable: true,
  enumerable: true,
  get() {
    const inner = accessor.get.call(neonConfig) ?? globalThis.fetch
    return (...args) => {
      counters.database += 1
      return inner(...args)
    }
  },
  set(value) {
    accessor.set.call(neonConfig, value)
  },
})

process.on('message', (message) => {
  if (message === 'counters') {
    const { user, system } = process.cpuUsage(cpuAtReset)
    process.send({
      ...counters,
      sinceStart,
      rss: process.memoryUsage().rss,
      cpuMicroseconds: user + system,
    })
  } else if (message === 'reset') {
    Object.assign(counters, { database: 0, outbound: 0, clerk: 0, outboundHosts: [] })
    cpuAtReset = process.cpuUsage()
    process.send({ reset: true })
  }
})
// Exit normally on SIGTERM, so that `--cpu-prof` (bench --profile) writes its profile.
process.once('SIGTERM', () => process.exit(0))

// The IPC channel must not keep a server alive that is otherwise done.
process.channel?.unref()
