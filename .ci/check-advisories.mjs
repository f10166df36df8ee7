// npm audit cannot reach an advisory database from our machines. This checks the installed
// tree against the floors in advisory-floors.json instead: every copy of each package, however
// deeply nested, must be at or above its floor.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'

const { floors } = JSON.parse(
  readFileSync(new URL('./advisory-floors.json', import.meta.url), 'utf8'),
)

function* installed(dir) {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue
    const names = entry.name.startsWith('@')
      ? readdirSync(join(dir, entry.name)).map((child) => `${entry.name}/${child}`)
      : [entry.name]
    for (const name of names) {
      const manifest = join(dir, name, 'package.json')
      if (existsSync(manifest)) {
        yield {
          name,
          version: JSON.parse(readFileSync(manifest, 'utf8')).version,
          path: join(dir, name),
        }
      }
      yield* installed(join(dir, name, 'node_modules'))
    }
  }
}

const seen = new Map()
const failures = []
for (const { name, version, path } of installed('node_modules')) {
  const floor = floors[name]
  if (!floor) continue
  seen.set(name, [...(seen.get(name) ?? []), version])
  if (semver.lt(version, floor.min))
    failures.push(`${name}@${version} at ${path} is below ${floor.min}: ${floor.why}`)
}
for (const name of Object.keys(floors)) {
  console.log(
    `advisories: ${name} ${seen.has(name) ? seen.get(name).join(', ') : 'not installed'} (floor ${floors[name].min})`,
  )
}
if (failures.length > 0) {
  console.error(failures.join('\n'))
  process.exit(1)
}
