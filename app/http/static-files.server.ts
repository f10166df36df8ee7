import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'

/**
 * The browser build (`build/client`), read into memory once at start-up, with the brotli and
 * gzip copies that vite.config.ts made at build time. A request is answered from a Map: nothing
 * touches the disk per request, and a path that is not a file of the build costs one lookup.
 */
export type Encoding = 'br' | 'gzip' | 'identity'

export interface StaticFile {
  type: string
  cacheControl: string
  bodies: Partial<Record<Encoding, { body: Buffer; etag: string }>> & {
    identity: { body: Buffer; etag: string }
  }
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
}

// Vite names what it builds into /assets/ by its content's hash (`root-BMxTNPIC.css`), so such a
// file never changes; anything else (favicon.svg, files copied from app/public) may change under
// the same name with the next deploy.
const hashedAsset = /^\/assets\/.+-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$/
const IMMUTABLE = 'public, max-age=31536000, immutable'
const SHORT = 'public, max-age=3600'

const encodings = { br: '.br', gzip: '.gz' } as const

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name.startsWith('.')
      ? []
      : entry.isDirectory()
        ? filesBelow(join(dir, entry.name))
        : [join(dir, entry.name)],
  )
}

const digest = (body: Buffer) => createHash('sha256').update(body).digest('base64url').slice(0, 22)

/** Every file of the browser build by its URL path (decoded, as `decodeURI` gives it). */
export function loadStaticFiles(clientDirectory: string): Map<string, StaticFile> {
  if (!existsSync(clientDirectory)) {
    throw new Error(`No browser build at ${clientDirectory}. Run \`npm run build\` first.`)
  }
  const all = filesBelow(clientDirectory)
  const present = new Set(all)
  const files = new Map<string, StaticFile>()
  for (const file of all) {
    // A compressed copy belongs to its original; a .gz or .br file of its own is served as is.
    const copyOf = file.replace(/\.(?:br|gz)$/, '')
    if (copyOf !== file && present.has(copyOf)) continue
    const path = `/${relative(clientDirectory, file).split(sep).join('/')}`
    const identity = readFileSync(file)
    // One strong validator per representation: each encoding has its own ETag.
    const hash = digest(identity)
    const bodies: StaticFile['bodies'] = { identity: { body: identity, etag: `"${hash}"` } }
    for (const [encoding, suffix] of Object.entries(encodings) as [Encoding, string][]) {
      if (present.has(`${file}${suffix}`)) {
        bodies[encoding] = { body: readFileSync(`${file}${suffix}`), etag: `"${hash}-${encoding}"` }
      }
    }
    files.set(path, {
      type: types[extname(file).toLowerCase()] ?? 'application/octet-stream',
      cacheControl: hashedAsset.test(path) ? IMMUTABLE : SHORT,
      bodies,
    })
  }
  return files
}

/**
 * Which of the file's bodies to send, by the request's Accept-Encoding as RFC 9110 (12.5.3) reads
 * it: the highest q wins, brotli before gzip before none on a tie; q=0 refuses a coding; `*`
 * stands for every coding the header does not name.
 */
export function chooseEncoding(file: StaticFile, acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity'
  const weights = new Map<string, number>()
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = part.trim().toLowerCase().split(';')
    const q = parameters.find((parameter) => /^\s*q\s*=/.test(parameter))
    // A q-value that is not one (`q=0.5x`, `q=2`) refuses the coding rather than prefers it.
    const value = q === undefined ? '1' : /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(q)?.[1]
    weights.set(name.trim(), value === undefined ? 0 : Math.min(Number(value), 1))
  }
  // Unnamed, no coding is acceptable but least preferred: any coding the client accepts wins.
  const weight = (coding: Encoding) =>
    weights.get(coding) ?? weights.get('*') ?? (coding === 'identity' ? Number.MIN_VALUE : 0)
  let chosen: Encoding = 'identity'
  let best = weight('identity')
  for (const coding of ['gzip', 'br'] as const) {
    if (file.bodies[coding] && weight(coding) > 0 && weight(coding) >= best) {
      chosen = coding
      best = weight(coding)
    }
  }
  return chosen
}

/** If-None-Match, compared weakly as RFC 9110 says: `*`, or any listed tag, W/ or not. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}
