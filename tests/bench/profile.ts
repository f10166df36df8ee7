import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

// Where a sample's time goes, by the package (or part of Node) its function belongs to.
const areas: [RegExp, string][] = [
  [/react-dom/, 'React rendering (react-dom/server)'],
  [/node_modules\/react-router\b|@react-router\/node/, 'React Router (routing, data, streams)'],
  [/@clerk|clerk/, 'Clerk (clerkMiddleware, token verification)'],
  [/postgres|@neondatabase|local-transport|pglite/, 'Database client and transport'],
  [/jose|crypto/, 'JWT and crypto'],
  [/build\/server|\/app\//, 'The app’s own code'],
  [/^node:|internal\//, 'Node internals (HTTP, streams, timers)'],
]

/** The share of sampled time by area, largest first, from a V8 .cpuprofile. */
export function summarizeProfile(file: string): { area: string; share: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  let all = 0
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!
    const delta = profile.timeDeltas[index] ?? 0
    const { url, functionName } = node.callFrame
    const area =
      functionName === '(idle)' || functionName === '(program)'
        ? null
        : functionName === '(garbage collector)'
          ? 'Garbage collection'
          : (areas.find(([pattern]) => pattern.test(url))?.[1] ??
            (url === '' ? 'Native (V8 builtins)' : 'Other'))
    if (area === null) return
    totals.set(area, (totals.get(area) ?? 0) + delta)
    all += delta
  })
  return [...totals]
    .map(([area, time]) => ({ area, share: time / all }))
    .sort((a, b) => b.share - a.share)
}
