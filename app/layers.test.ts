import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'

/**
 * The layers of app/ (app/README.md, "Who owns what"): a module imports its own layer or one
 * below, never one above, and no chain of imports comes back to where it started.
 */
const layers: { name: string; owns: (file: string) => boolean; mayImport: string[] }[] = [
  { name: 'environment', owns: (file) => /^(dotenv|env)\.server\.ts$/.test(file), mayImport: [] },
  { name: 'http', owns: (file) => file.startsWith('http/'), mayImport: ['environment'] },
  { name: 'db', owns: (file) => file.startsWith('db/'), mayImport: ['environment', 'http'] },
  { name: 'auth', owns: (file) => file.startsWith('auth/'), mayImport: ['environment', 'http'] },
  { name: 'components', owns: (file) => file.startsWith('components/'), mayImport: [] },
  {
    name: 'routes',
    owns: (file) => file.startsWith('routes/'),
    mayImport: ['environment', 'http', 'db', 'auth', 'components'],
  },
  {
    name: 'composition',
    owns: (file) =>
      /^(root\.tsx|entry\.server\.tsx|routes\.ts|server\.ts|dev-server\.ts|start-failure\.ts)$/.test(
        file,
      ),
    mayImport: ['environment', 'http', 'db', 'auth', 'components', 'routes'],
  },
]

const appDir = dirname(new URL(import.meta.url).pathname)

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name.startsWith('+') ? [] : sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : []
  })
}

const files = sourceFiles(appDir).map((path) => relative(appDir, path))
const known = new Set(files)

/** The app modules `file` imports, as paths relative to app/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(appDir, file), 'utf8')
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)]
  return specifiers.flatMap(([, specifier]) => {
    const base = join(dirname(file), specifier!)
    const found = ['', '.ts', '.tsx', '/index.ts'].map((ending) => base + ending)
    const target = found.find((candidate) => known.has(candidate))
    return target === undefined ? [] : [target]
  })
}

const graph = new Map(files.map((file) => [file, importsOf(file)]))
const layerOf = (file: string) => layers.find((layer) => layer.owns(file))?.name

describe('the import graph of app/', () => {
  test('every module belongs to a layer', () => {
    expect(files.filter((file) => layerOf(file) === undefined)).toEqual([])
  })

  test('no module imports a layer above its own', () => {
    const upward: string[] = []
    for (const [file, targets] of graph) {
      const from = layers.find((layer) => layer.name === layerOf(file))!
      for (const target of targets) {
        const to = layerOf(target)!
        if (to !== from.name && !from.mayImport.includes(to)) upward.push(`${file} → ${target}`)
      }
    }
    expect(upward).toEqual([])
  })

  test('no chain of imports comes back to where it started', () => {
    const circles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' → '))
        return
      }
      state.set(file, 'open')
      for (const target of graph.get(file) ?? []) visit(target, [...path, file])
      state.set(file, 'done')
    }
    for (const file of files) visit(file, [])
    expect(circles).toEqual([])
  })
})
