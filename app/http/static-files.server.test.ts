import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { chooseEncoding, loadStaticFiles, matchesIfNoneMatch } from './static-files.server'

function clientBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'quotebook-client-'))
  mkdirSync(join(dir, 'assets'))
  mkdirSync(join(dir, '.vite'))
  writeFileSync(join(dir, 'assets', 'root-BMxTNPIC.css'), 'body{}')
  writeFileSync(join(dir, 'assets', 'root-BMxTNPIC.css.br'), 'br')
  writeFileSync(join(dir, 'assets', 'root-BMxTNPIC.css.gz'), 'gz')
  writeFileSync(join(dir, 'assets', 'logo.png'), 'png')
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>')
  writeFileSync(join(dir, 'archive.tar.gz'), 'a gzip file of its own')
  writeFileSync(join(dir, 'my file.txt'), 'spaces')
  writeFileSync(join(dir, '.vite', 'manifest.json'), '{}')
  return dir
}

describe('loadStaticFiles', () => {
  const files = loadStaticFiles(clientBuild())

  test('hashed assets are immutable for a year; other files get an hour', () => {
    expect(files.get('/assets/root-BMxTNPIC.css')!.cacheControl).toBe(
      'public, max-age=31536000, immutable',
    )
    expect(files.get('/assets/logo.png')!.cacheControl).toBe('public, max-age=3600')
    expect(files.get('/favicon.svg')!.cacheControl).toBe('public, max-age=3600')
  })

  test('compressed copies belong to their original, each with its own ETag', () => {
    const css = files.get('/assets/root-BMxTNPIC.css')!
    expect(css.type).toBe('text/css; charset=utf-8')
    expect(css.bodies.br!.body.toString()).toBe('br')
    expect(css.bodies.gzip!.body.toString()).toBe('gz')
    const etags = [css.bodies.identity.etag, css.bodies.br!.etag, css.bodies.gzip!.etag]
    expect(new Set(etags).size).toBe(3)
    expect(files.has('/assets/root-BMxTNPIC.css.br')).toBe(false)
  })

  test('a .gz file with no original is a file of its own; dotfiles are never served', () => {
    expect(files.get('/archive.tar.gz')!.bodies.identity.body.toString()).toBe(
      'a gzip file of its own',
    )
    expect(files.has('/.vite/manifest.json')).toBe(false)
  })

  test('paths are decoded names', () => {
    expect(files.has('/my file.txt')).toBe(true)
  })

  test('a missing build is an error at start-up, naming the command', () => {
    expect(() => loadStaticFiles(join(tmpdir(), 'no-such-build'))).toThrow(/npm run build/)
  })
})

describe('chooseEncoding', () => {
  const css = loadStaticFiles(clientBuild()).get('/assets/root-BMxTNPIC.css')!
  test.each([
    [undefined, 'identity'],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.0, gzip;q=0', 'identity'],
    ['*', 'br'],
    ['identity', 'identity'],
    // q=0 refuses a coding, and `*` stands only for codings the header does not name.
    ['br;q=0, *', 'gzip'],
    ['gzip;q=0, br;q=0, *', 'identity'],
    ['*;q=0, gzip', 'gzip'],
    ['BR;Q=0, GZIP', 'gzip'],
    // The highest q wins; a tie goes to the smaller body.
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['gzip;q=0.5, identity', 'identity'],
    ['gzip, identity', 'gzip'],
    ['br;q=0.001', 'br'],
    // A q-value that is none refuses the coding.
    ['br;q=0.5x, gzip', 'gzip'],
    ['br;q=0.0000, gzip', 'gzip'],
  ])('%j -> %s', (header, expected) => {
    expect(chooseEncoding(css, header)).toBe(expected)
  })
})

describe('matchesIfNoneMatch', () => {
  test.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abd"', false],
    [undefined, false],
  ])('%j', (header, expected) => {
    expect(matchesIfNoneMatch(header, '"abc"')).toBe(expected)
  })
})
