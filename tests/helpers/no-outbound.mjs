// A preload (`node --import`) for the production server in tests: any request to a host other
// than this machine, through fetch or http(s).request, is refused and reported on standard error
// as one JSON line {"outbound": "<origin>"}, which the test then looks for.
import http from 'node:http'
import https from 'node:https'
import { isLoopback } from './loopback.mjs'

const report = (origin) => process.stderr.write(`${JSON.stringify({ outbound: origin })}\n`)

const realFetch = globalThis.fetch
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (!isLoopback(url.hostname)) {
    report(url.origin)
    return Promise.reject(new TypeError(`refused: a request to ${url.origin}`))
  }
  return realFetch(input, init)
}

for (const [module, protocol] of [
  [http, 'http:'],
  [https, 'https:'],
]) {
  for (const name of ['request', 'get']) {
    const real = module[name]
    module[name] = function (...args) {
      const [first] = args
      const url =
        typeof first === 'string' || first instanceof URL
          ? new URL(first)
          : new URL(`${first.protocol ?? protocol}//${first.hostname ?? first.host ?? 'localhost'}`)
      if (!isLoopback(url.hostname)) {
        report(url.origin)
        throw new TypeError(`refused: a request to ${url.origin}`)
      }
      return real.apply(this, args)
    }
  }
}
