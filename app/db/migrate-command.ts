import { resolve } from 'node:path'
import postgres from 'postgres'
import { loadDotEnv } from '../dotenv.server'
import type * as EmbeddedModuleType from './embedded.server'
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, MigrationError, migrationStatus } from './migrate'

type EmbeddedModule = typeof EmbeddedModuleType

let embeddedModule: EmbeddedModule | undefined

/**
 * `npm run db:migrate [-- --status] [-- --dir DIR]`: the exit code, with one line for a known
 * failure and the stack only for an unexpected one.
 */
export async function migrateCommand(
  argv: string[],
  { migrationsDir = DEFAULT_MIGRATIONS_DIR }: { migrationsDir?: string } = {},
): Promise<number> {
  try {
    await migrateFromEnvironment(argv, migrationsDir)
    return 0
  } catch (error) {
    const known =
      error instanceof MigrationError ||
      error instanceof postgres.PostgresError ||
      (embeddedModule !== undefined && error instanceof embeddedModule.DataDirectoryInUse)
    if (known) console.error(redacted(`db:migrate: ${(error as Error).message}`))
    else if (unreachable(error)) {
      console.error(
        redacted(`db:migrate: the database could not be reached: ${whyUnreachable(error)}`),
      )
    } else {
      console.error(
        redacted(error instanceof Error ? (error.stack ?? String(error)) : String(error)),
      )
    }
    return 1
  }
}

const URL_VARIABLES = ['MIGRATION_DATABASE_URL', 'DATABASE_URL'] as const
// env.server.ts checks DATABASE_URL the same way; migrating does not load it, since it parses
// every setting the app needs and a deploy may migrate before those exist.
const postgresUrl = /^postgres(?:ql)?:\/\//

// A connection that failed: refused, no such host, timed out, closed (postgres.js's own codes
// for the last two).
function unreachable(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code
  return (
    error instanceof Error &&
    typeof code === 'string' &&
    /^(?:ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_DESTROYED|CONNECTION_ENDED)$/.test(
      code,
    )
  )
}

// Node can report a host with several addresses, none answering, as an AggregateError with an
// empty message; its errors say what each address answered.
function whyUnreachable(error: Error & { code: string }): string {
  const each =
    error instanceof AggregateError ? error.errors.map((inner) => String(inner?.message)) : []
  return error.message || each.filter(Boolean).join('; ') || error.code
}

/**
 * What the command prints, without the database's password or connection strings: a release
 * step's output goes to deploy logs. Every connection string goes, and the passwords the
 * environment holds; a password shorter than 8 characters only within a connection string, since
 * replacing it everywhere would garble words and so hint at it.
 */
function redacted(text: string): string {
  const passwords = new Set<string>()
  for (const name of URL_VARIABLES) {
    const value = process.env[name]?.trim()
    const password = value && URL.canParse(value) ? new URL(value).password : ''
    if (!password) continue
    passwords.add(password)
    try {
      passwords.add(decodeURIComponent(password))
    } catch {
      // Not percent-encoded text: the password as written is covered above.
    }
  }
  if (process.env.PGPASSWORD) passwords.add(process.env.PGPASSWORD)
  let result = text.replace(/postgres(?:ql)?:\/\/[^\s'"`]+/g, 'postgresql://[redacted]')
  for (const password of [...passwords].sort((a, b) => b.length - a.length)) {
    if (password.length >= 8) result = result.replaceAll(password, '[redacted]')
  }
  return result
}

async function migrateFromEnvironment(argv: string[], migrationsDir: string) {
  const dirFlag = argv.indexOf('--dir')
  const dir = dirFlag === -1 ? migrationsDir : resolve(argv[dirFlag + 1] ?? '')
  // Only the database variables: a deploy may migrate before the app's other settings exist.
  loadDotEnv()
  const variable = (name: string) => process.env[name] || undefined
  let databaseUrl = variable('MIGRATION_DATABASE_URL') ?? variable('DATABASE_URL')
  if (databaseUrl !== undefined && !(postgresUrl.test(databaseUrl) && URL.canParse(databaseUrl))) {
    const name = variable('MIGRATION_DATABASE_URL') ? 'MIGRATION_DATABASE_URL' : 'DATABASE_URL'
    throw new MigrationError(`${name} must be a postgres:// or postgresql:// connection string`)
  }
  let embedded: { url: string; close(): Promise<void> } | undefined
  if (databaseUrl === undefined) {
    // Loaded only here: with a DATABASE_URL the command never loads PGlite.
    embeddedModule = await import('./embedded.server')
    embedded = await embeddedModule.embeddedDatabase(variable('QUOTEBOOK_DATA_DIR') ?? '.data', {
      migrate: false,
    })
    databaseUrl = embedded.url
  }
  try {
    if (argv.includes('--status')) {
      for (const { file, appliedAt } of await migrationStatus({ databaseUrl, dir })) {
        console.log(appliedAt ? `applied  ${file}  ${appliedAt.toISOString()}` : `pending  ${file}`)
      }
    } else {
      await applyMigrations({ databaseUrl, dir })
    }
  } finally {
    await embedded?.close()
  }
}
