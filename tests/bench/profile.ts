import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

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
  [
    /postgres|@neondatabase|local-transport|local-pool|neon-protocol|pglite/,
    'Database client and transport',
  ],
  [/jose|crypto/, 'JWT and crypto'],
  [/build\/server|\/app\//, 'The app’s own code'],
  [/^node:|internal\//, 'Node internals (HTTP, streams, timers)'],
]

// In the production build @clerk/react-router is bundled into the server build (vite.config.ts,
// ssr.noExternal), so its functions are told from the app's by the top-level declaration of the
// bundle that holds them (Rolldown writes each at the start of a line): these are Clerk's.
const clerkBundled =
  /^(clerkMiddleware|loadOptions|clerkClient|getPublicEnvVariables|getAuth|rootAuthLoader|processRootAuthLoader|getResponseClerkState|wrapWithClerkState|resolveKeysWithKeylessFallback|keyless|IsOptIntoMiddleware)$/
const declaration = /^(?:export )?(?:async )?(?:function\*? ?|const |let |var |class )([\w$]+)/
const declarationsByUrl = new Map<string, (string | undefined)[]>()

/** The name of the top-level declaration around each line of a bundle. */
function declarations(url: string): (string | undefined)[] {
  let names = declarationsByUrl.get(url)
  if (names === undefined) {
    let current: string | undefined
    let text = ''
    try {
      text = readFileSync(fileURLToPath(url), 'utf8')
    } catch {
      // A build rebuilt since the profile was taken: its functions count as the app's.
    }
    names = text.split('\n').map((line) => (current = declaration.exec(line)?.[1] ?? current))
    declarationsByUrl.set(url, names)
  }
  return names
}

function areaOf({ functionName, url, lineNumber }: ProfileNode['callFrame']): string | null {
  if (functionName === '(idle)' || functionName === '(program)') return null
  if (functionName === '(garbage collector)') return 'Garbage collection'
  if (
    /build\/server\/.*\.js$/.test(url) &&
    clerkBundled.test(declarations(url)[lineNumber] ?? '')
  ) {
    return 'Clerk (clerkMiddleware, token verification)'
  }
  return (
    areas.find(([pattern]) => pattern.test(url))?.[1] ??
    (url === '' ? 'Native (V8 builtins)' : 'Other')
  )
}

export interface ProfileShares {
  area: string
  /** Time in the area's own functions. */
  share: number
  /** Time in the area's functions and in the Node and V8 work they called (each sample goes to
   * the deepest function on its stack that is neither Node's nor V8's). */
  byCaller: number
}

/** The share of sampled time by area, largest self share first, from a V8 .cpuprofile. */
export function summarizeProfile(file: string): ProfileShares[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id)
  const self = new Map<string, number>()
  const byCaller = new Map<string, number>()
  let all = 0
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    const area = areaOf(byId.get(id)!.callFrame)
    if (area === null) return
    self.set(area, (self.get(area) ?? 0) + delta)
    let owner = area
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const { callFrame } = byId.get(at)!
      // Node's and V8's own functions (node:crypto included) pass their time to their caller.
      if (callFrame.url === '' || callFrame.url.startsWith('node:')) continue
      owner = areaOf(callFrame) ?? owner
      break
    }
    byCaller.set(owner, (byCaller.get(owner) ?? 0) + delta)
    all += delta
  })
  return [...new Set([...self.keys(), ...byCaller.keys()])]
    .map((area) => ({
      area,
      share: (self.get(area) ?? 0) / all,
      byCaller: (byCaller.get(area) ?? 0) / all,
    }))
    .sort((a, b) => b.share - a.share)
}
