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
      console.error(redacted(`db:migrate: the database could not be reached: ${error.message}`))
    } else {
      console.error(
        redacted(error instanceof Error ? (error.stack ?? String(error)) : String(error)),
      )
    }
    return 1
  }
}

const URL_VARIABLES = ['MIGRATION_DATABASE_URL', 'DATABASE_URL'] as const
const postgresUrl = /^postgres(?:ql)?:\/\//

// A connection that failed: refused, no such host, timed out (postgres.js's CONNECT_TIMEOUT).
function unreachable(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code
  return (
    error instanceof Error &&
    typeof code === 'string' &&
    /^(?:ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|CONNECT_TIMEOUT)$/.test(
      code,
    )
  )
}

/**
 * What the command prints, without the database's password or connection strings: a release
 * step's output goes to deploy logs. The strings are taken from the environment as given.
 */
function redacted(text: string): string {
  const secrets = new Set<string>()
  for (const name of URL_VARIABLES) {
    const value = process.env[name]?.trim()
    if (!value) continue
    secrets.add(value)
    const password = URL.canParse(value) ? new URL(value).password : ''
    if (password) {
      secrets.add(password)
      try {
        secrets.add(decodeURIComponent(password))
      } catch {
        // Not percent-encoded text: the password as written is covered above.
      }
    }
  }
  let result = text
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    result = result.replaceAll(secret, '[redacted]')
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
