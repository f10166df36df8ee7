import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { DEFAULT_MIGRATIONS_DIR, listMigrations, MigrationError } from './migrate'

function folder(files: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'quotebook-list-'))
  for (const file of files) writeFileSync(join(dir, file), 'select 1;')
  return dir
}

describe('listMigrations', () => {
  test('the shipped migrations are numbered from 00001 without gaps', () => {
    const files = listMigrations(DEFAULT_MIGRATIONS_DIR)
    expect(files[0]).toEqual({ id: 1, file: '00001_create_user_messages.sql' })
    expect(files.map(({ id }) => id)).toEqual(files.map((_, index) => index + 1))
  })

  test('orders files by number and ignores other files', () => {
    const dir = folder(['00002_b.sql', 'README.md', '00001_a.sql', 'notes.sql'])
    expect(listMigrations(dir)).toEqual([
      { id: 1, file: '00001_a.sql' },
      { id: 2, file: '00002_b.sql' },
    ])
  })

  test.each([
    [['00002_a.sql'], 'expected 00001_*.sql, found 00002_a.sql'],
    [['00001_a.sql', '00003_c.sql'], 'expected 00002_*.sql, found 00003_c.sql'],
    [['00001_a.sql', '00001_again.sql'], 'expected 00002_*.sql, found 00001_again.sql'],
  ])('refuses %j: %s', (files, message) => {
    expect(() => listMigrations(folder(files))).toThrow(
      new MigrationError(`Migration numbering must have no gaps: ${message}`),
    )
  })

  test('refuses an empty folder and a missing one', () => {
    const empty = folder([])
    expect(() => listMigrations(empty)).toThrow(`No migrations (00001_name.sql) in ${empty}`)
    expect(() => listMigrations(join(empty, 'missing'))).toThrow('No migrations folder at')
  })
})

describe('listMigrations refuses what postgres-shift would run unchecked', () => {
  test.each([['00002_script.js'], ['00002_notes.sql.bak']])('%s', (stray) => {
    const dir = folder(['00001_a.sql', stray])
    expect(() => listMigrations(dir)).toThrow(`Not a .sql migration: ${stray} in ${dir}`)
  })
})
