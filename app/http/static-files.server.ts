import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'

/**
 * The browser build (`build/client`), read into memory once at start-up, with the brotli and
 * gzip copies that vite.config.ts made at build time. A request is answered from a Map: nothing
 * touches the disk per request, and a path that is not a file of the build costs one lookup.
 */
export interface StaticFile {
  type: string
  cacheControl: string
  etag: string
  bodies: { identity: Buffer; br?: Buffer; gzip?: Buffer }
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
}

// Vite names everything under /assets/ by its content's hash, so it never changes; any other
// file (favicon.svg) may change under the same name with the next deploy.
const IMMUTABLE = 'public, max-age=31536000, immutable'
const SHORT = 'public, max-age=3600'

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name.startsWith('.')
      ? []
      : entry.isDirectory()
        ? filesBelow(join(dir, entry.name))
        : [join(dir, entry.name)],
  )
}

export function loadStaticFiles(clientDirectory: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  if (!existsSync(clientDirectory)) return files
  for (const file of filesBelow(clientDirectory)) {
    if (file.endsWith('.br') || file.endsWith('.gz')) continue
    const path = `/${relative(clientDirectory, file).split(sep).join('/')}`
    const identity = readFileSync(file)
    const copy = (suffix: string) =>
      existsSync(`${file}${suffix}`) ? readFileSync(`${file}${suffix}`) : undefined
    const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 22)
    files.set(path, {
      type: types[extname(file)] ?? 'application/octet-stream',
      cacheControl: path.startsWith('/assets/') ? IMMUTABLE : SHORT,
      etag: `"${hash}"`,
      bodies: { identity, br: copy('.br'), gzip: copy('.gz') },
    })
  }
  return files
}

/** Which of the file's bodies to send, by the request's Accept-Encoding (brotli first). */
export function chooseEncoding(
  file: StaticFile,
  acceptEncoding: string | undefined,
): 'br' | 'gzip' | 'identity' {
  if (!acceptEncoding) return 'identity'
  const accepted = new Set<string>()
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = part.trim().toLowerCase().split(';')
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(parameter))
    if (!refused) accepted.add(name.trim())
  }
  if (file.bodies.br && accepted.has('br')) return 'br'
  if (file.bodies.gzip && accepted.has('gzip')) return 'gzip'
  return 'identity'
}
