import { existsSync } from 'node:fs'
import { z } from 'zod'

/**
 * The environment, parsed once at start-up. Every module reads `env`, never `process.env`,
 * so a missing or malformed variable fails here, with its name, before any request is served.
 */
const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), {
    message: 'must be a postgres:// or postgresql:// connection string',
  })

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl.optional(),
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  QUOTEBOOK_DATA_DIR: z.string().trim().min(1).default('.data'),
})

export type Environment = z.infer<typeof environmentSchema>

export function parseEnvironment(source: Record<string, string | undefined>): Environment {
  // An empty variable (`DATABASE_URL=` in a .env file) means "unset", as it does for most tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''))
  const result = environmentSchema.safeParse(present)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`Invalid environment: ${problems.join('; ')}`)
  }
  const environment = result.data
  if (environment.NODE_ENV === 'production' && environment.DATABASE_URL === undefined) {
    throw new Error(
      'DATABASE_URL is not set. In production set DATABASE_URL to your Neon connection string ' +
        '(postgresql://user:password@host/db?sslmode=require); the embedded database is for ' +
        'development and tests only.',
    )
  }
  return environment
}

// A .env file fills in what the shell did not set. Tests never read it, so a developer's own
// DATABASE_URL (or Clerk keys) cannot leak into a test run.
if (process.env.NODE_ENV !== 'test' && existsSync('.env')) process.loadEnvFile('.env')

export const env = parseEnvironment(process.env)
