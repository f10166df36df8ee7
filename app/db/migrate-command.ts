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
    console.error(known ? `db:migrate: ${(error as Error).message}` : error)
    return 1
  }
}

async function migrateFromEnvironment(argv: string[], migrationsDir: string) {
  const dirFlag = argv.indexOf('--dir')
  const dir = dirFlag === -1 ? migrationsDir : resolve(argv[dirFlag + 1] ?? '')
  // Only the database variables: a deploy may migrate before the app's other settings exist.
  loadDotEnv()
  const variable = (name: string) => process.env[name] || undefined
  let databaseUrl = variable('MIGRATION_DATABASE_URL') ?? variable('DATABASE_URL')
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
