import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import postgres from 'postgres'
import shift from 'postgres-shift'

/**
 * The migration runner: forward-only plain .sql files in `sql/`, applied by postgres-shift over
 * postgres.js (TCP, which reaches Neon's direct endpoint and any local Postgres).
 *
 *   npm run db:migrate              apply pending migrations
 *   npm run db:migrate -- --status  list applied and pending migrations
 *
 * It runs from the production build (`node build/server/index.js migrate`, see app/server.ts), so
 * a deploy can migrate with dev dependencies pruned.
 *
 * It reads MIGRATION_DATABASE_URL, else DATABASE_URL, else starts the embedded database.
 */

export const DEFAULT_MIGRATIONS_DIR = resolve('sql')

// Any fixed 64-bit key; it only has to be the same for every runner of this app.
const MIGRATION_LOCK = 7_125_011_915

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export interface MigrationFile {
  id: number
  file: string
}

/** The migration files in order, or a MigrationError for an empty folder or a numbering gap. */
export function listMigrations(dir: string): MigrationFile[] {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    throw new MigrationError(`No migrations folder at ${dir}`)
  }
  // postgres-shift runs every entry named 00000_…, directories and scripts included; only plain
  // .sql files are allowed here, so nothing else is applied unreviewed.
  const stray = entries.find((file) => /^\d{5}_/.test(file) && !/^\d{5}_.+\.sql$/.test(file))
  if (stray !== undefined) throw new MigrationError(`Not a .sql migration: ${stray} in ${dir}`)
  const files = entries
    .filter((file) => /^\d{5}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({ id: Number.parseInt(file.slice(0, 5), 10), file }))
  if (files.length === 0) throw new MigrationError(`No migrations (00001_name.sql) in ${dir}`)
  files.forEach((migration, index) => {
    if (migration.id !== index + 1) {
      const expected = String(index + 1).padStart(5, '0')
      throw new MigrationError(
        `Migration numbering must have no gaps: expected ${expected}_*.sql, found ${migration.file}`,
      )
    }
  })
  return files
}

interface Options {
  databaseUrl: string
  dir?: string
  log?: (line: string) => void
}

function connect(databaseUrl: string) {
  return postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
}

// postgres-shift's own table; created here first so the runner can read it inside its lock.
const createMigrationsTable = `
  create table if not exists migrations (
    migration_id serial primary key,
    created_at timestamp with time zone not null default now(),
    name text
  )`

/**
 * Applies the pending migrations in one transaction that holds an advisory lock, so concurrent
 * runners apply each migration once, and a failure leaves the schema as it was. The lock is a
 * transaction lock because PGlite shares one session between its connections, where a session
 * lock would not exclude anyone; transactions it does serialize.
 */
export async function applyMigrations({
  databaseUrl,
  dir = DEFAULT_MIGRATIONS_DIR,
  log = console.log,
}: Options): Promise<string[]> {
  const files = listMigrations(dir)
  const sql = connect(databaseUrl)
  const applied: string[] = []
  let current: MigrationFile | undefined
  try {
    await sql.begin(async (transaction) => {
      // Wait for another runner, but not forever: a stuck one should not hang every deploy.
      await transaction`select set_config('lock_timeout', '120s', true)`
      await transaction`select pg_advisory_xact_lock(${MIGRATION_LOCK})`
      await transaction.unsafe(createMigrationsTable)
      // postgres-shift opens its own transaction with `sql.begin`; inside ours it runs in place.
      const inTransaction = Object.assign(
        (strings: TemplateStringsArray, ...values: postgres.ParameterOrFragment<never>[]) =>
          transaction(strings, ...values),
        { begin: (run: (sql: postgres.TransactionSql) => Promise<unknown>) => run(transaction) },
      )
      await shift({
        sql: inTransaction as unknown as postgres.Sql,
        path: dir,
        before: ({ migration_id }: { migration_id: number }) => {
          current = files[migration_id - 1]
        },
        // Said only after the commit (below): a later migration's failure undoes this one too.
        after: () => {
          if (current) applied.push(current.file)
          current = undefined
        },
      })
    })
  } catch (error) {
    if (current) {
      // A migration's own HINT says what to do (00003 names the GRANT to run); keep it.
      const detail =
        error instanceof postgres.PostgresError
          ? [error.message, error.detail, error.hint].filter(Boolean).join(' ')
          : error instanceof Error
            ? error.message
            : String(error)
      throw new MigrationError(`${current.file} failed, nothing was applied: ${detail}`, {
        cause: error,
      })
    }
    throw error
  } finally {
    await sql.end({ timeout: 5 })
  }
  for (const file of applied) log(`applied ${file}`)
  if (applied.length === 0) log('No pending migrations; the database is up to date.')
  return applied
}

export interface MigrationStatus {
  file: string
  appliedAt: Date | null
}

export async function migrationStatus({
  databaseUrl,
  dir = DEFAULT_MIGRATIONS_DIR,
}: Options): Promise<MigrationStatus[]> {
  const files = listMigrations(dir)
  const sql = connect(databaseUrl)
  try {
    const [{ exists }] = await sql<[{ exists: boolean }]>`
      select to_regclass('migrations') is not null as exists`
    const rows = exists
      ? await sql<{ migration_id: number; created_at: Date }[]>`
          select migration_id, created_at from migrations`
      : []
    const appliedAt = new Map(rows.map((row) => [row.migration_id, row.created_at]))
    return files.map(({ id, file }) => ({ file, appliedAt: appliedAt.get(id) ?? null }))
  } finally {
    await sql.end({ timeout: 5 })
  }
}
