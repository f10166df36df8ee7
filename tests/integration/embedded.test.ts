import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { describe, expect, test, vi } from 'vitest'
import { PGlite } from '@electric-sql/pglite'
import {
  EMBEDDED_OWNER,
  embeddedDatabase,
  startEmbeddedPostgres,
} from '../../app/db/embedded.server'
import { DEFAULT_MIGRATIONS_DIR, listMigrations } from '../../app/db/migrate'
import { migrate } from '../helpers/run'

const newDataDir = () => mkdtempSync(join(tmpdir(), 'quotebook-data-'))

async function one<T extends object>(url: string, text: string): Promise<T | undefined> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    return (await sql.unsafe<T[]>(text))[0]
  } finally {
    await sql.end()
  }
}

describe('the embedded database', () => {
  test('serves as a Neon-shaped owner; a data directory made before owners keeps its superuser', async () => {
    const fresh = await startEmbeddedPostgres()
    try {
      expect(new URL(fresh.url).username).toBe(EMBEDDED_OWNER)
      expect(await one(fresh.url, "select current_setting('is_superuser') as superuser")).toEqual({
        superuser: 'off',
      })
    } finally {
      await fresh.close()
    }
    // As a .data made by an earlier Quotebook: the table, made by the superuser, and no owner.
    const path = join(newDataDir(), 'pglite')
    const legacy = await PGlite.create(path)
    await legacy.exec('create table user_messages (user_id text primary key)')
    await legacy.close()
    const reopened = await startEmbeddedPostgres(path)
    try {
      expect(new URL(reopened.url).username).toBe('postgres')
      expect(await one(reopened.url, 'select count(*)::int as n from user_messages')).toEqual({
        n: 0,
      })
    } finally {
      await reopened.close()
    }
  })

  test('starts on a loopback port with migrations applied, and keeps its data', async () => {
    const dir = newDataDir()
    const first = await embeddedDatabase(dir)
    expect(new URL(first.url).hostname).toBe('127.0.0.1')
    await one(
      first.url,
      "insert into user_messages (user_id, message) values ('kept', 'still here')",
    )
    await first.close()
    expect(existsSync(join(dir, 'embedded.lock'))).toBe(false)

    const second = await embeddedDatabase(dir)
    try {
      expect(
        await one(second.url, "select message from user_messages where user_id = 'kept'"),
      ).toEqual({ message: 'still here' })
    } finally {
      await second.close()
    }
  })

  test('a second process gets a clear error naming the owner, and the data stays intact', async () => {
    const dir = newDataDir()
    const database = await embeddedDatabase(dir)
    try {
      expect(readFileSync(join(dir, 'embedded.lock'), 'utf8')).toBe(String(process.pid))
      const second = await migrate([], {
        DATABASE_URL: undefined,
        MIGRATION_DATABASE_URL: undefined,
        QUOTEBOOK_DATA_DIR: dir,
      })
      expect(second.code).toBe(1)
      expect(second.stderr.trim()).toBe(
        `db:migrate: The embedded database in ${dir} is in use by process ${process.pid}. ` +
          'Stop that process, or set DATABASE_URL to use another database.',
      )
      expect(await one(database.url, 'select count(*)::int as n from migrations')).toEqual({
        n: listMigrations(DEFAULT_MIGRATIONS_DIR).length,
      })
    } finally {
      await database.close()
    }
  })

  test('a lock left by a process that has ended is taken over', async () => {
    const dir = newDataDir()
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
    writeFileSync(join(dir, 'embedded.lock'), ended.stdout.toString())
    const database = await embeddedDatabase(dir)
    expect(readFileSync(join(dir, 'embedded.lock'), 'utf8')).toBe(String(process.pid))
    await database.close()
  })

  test('a re-evaluated module (as on a Vite reload) finds the running instance', async () => {
    const dir = newDataDir()
    const database = await embeddedDatabase(dir)
    try {
      vi.resetModules()
      const reloaded = await import('../../app/db/embedded.server')
      expect(reloaded.embeddedDatabase).not.toBe(embeddedDatabase)
      expect((await reloaded.embeddedDatabase(dir)).url).toBe(database.url)
    } finally {
      await database.close()
    }
  })
})
