import { z } from 'zod'
import { loadDotEnv } from './dotenv.server'

/**
 * The environment, parsed once at start-up. Every module reads `env`, never `process.env`,
 * so a missing or malformed variable fails here, with its name, before any request is served.
 * No message ever includes a variable's value.
 */
const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
    message: 'must be a postgres:// or postgresql:// connection string',
  })

const publishableKey = z
  .string()
  .trim()
  .regex(/^pk_(test|live)_[A-Za-z0-9+/=_-]+$/, 'must be a Clerk publishable key (pk_…)')

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl.optional(),
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  // Neon RLS: the same database as the `authenticated` role; the database checks each user's
  // session token itself (sql/README.md).
  DATABASE_AUTHENTICATED_URL: postgresUrl.optional(),
  QUOTEBOOK_DATA_DIR: z.string().trim().min(1).default('.data'),
  APP_URL: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) origin the app is served at' })
    // The app is served at the root of its origin; a path would be dropped unseen.
    .refine(
      (value) => {
        // Checked only once it is a URL: zod runs this after a failed URL check too.
        if (!URL.canParse(value)) return true
        const { pathname, search, hash, username, password } = new URL(value)
        return pathname === '/' && !search && !hash && !username && !password
      },
      { message: 'must be an origin only (https://host[:port]): no path, query or credentials' },
    )
    .transform((value) => new URL(value).origin)
    .optional(),
  CLERK_PUBLISHABLE_KEY: publishableKey.optional(),
  // The name Clerk's dashboard snippet for React Router uses; either works.
  VITE_CLERK_PUBLISHABLE_KEY: publishableKey.optional(),
  CLERK_SECRET_KEY: z
    .string()
    .trim()
    .regex(/^sk_(test|live)_\S+$/, 'must be a Clerk secret key (sk_…)')
    .optional(),
  // A PEM public key; .env files often carry it on one line with literal \n.
  CLERK_JWT_KEY: z
    .string()
    .trim()
    .transform((value) => value.replaceAll('\\n', '\n'))
    .refine((value) => value.includes('-----BEGIN PUBLIC KEY-----'), {
      message:
        'must be the PEM public key from Clerk\u2019s dashboard (API keys \u2192 JWT public key)',
    })
    .optional(),
  AUTH_MODE: z.enum(['clerk', 'local']).optional(),
  CLERK_WEBHOOK_SIGNING_SECRET: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be the signing secret of a Clerk webhook (whsec_…)')
    .optional(),
  // Where the server listens; HOST unset means every interface (`npm run dev`: 5173, localhost).
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a port number' })
    .min(0, { error: 'must be a port number' })
    .max(65_535, { error: 'must be a port number' })
    .default(3000),
  HOST: z.string().trim().min(1).optional(),
  // The least severe lines the log keeps; `debug` adds lines for diagnosis, such as why Clerk
  // refused a session. Any case, as platforms spell it.
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' }),
    )
    .default('info'),
  QUERY_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(100)
    .max(60_000)
    .default(5_000),
  // How long an answer may take to be written, from its first byte: a client that stops
  // reading, or reads a byte at a time, holds its connection that long at most.
  RESPONSE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1_000)
    .max(600_000)
    .default(60_000),
})

export type Environment = z.infer<typeof environmentSchema>

/** Every variable the app reads. The README's table and .env.example list exactly these. */
export const ENVIRONMENT_VARIABLES = Object.keys(environmentSchema.shape)

/** A setting the app cannot start with; its message says which and what to do, never a value. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError'
}

export function parseEnvironment(source: Record<string, string | undefined>): Environment {
  // An empty variable (`DATABASE_URL=` in a .env file) means "unset", as it does for most tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''))
  const result = environmentSchema.safeParse(present)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new EnvironmentError(`Invalid environment: ${problems.join('; ')}`)
  }
  const environment = result.data
  const production = environment.NODE_ENV === 'production'
  const problems: string[] = []
  const { CLERK_PUBLISHABLE_KEY: key, VITE_CLERK_PUBLISHABLE_KEY: viteKey } = environment
  if (key !== undefined && viteKey !== undefined && key !== viteKey) {
    problems.push('CLERK_PUBLISHABLE_KEY and VITE_CLERK_PUBLISHABLE_KEY differ: set one of them.')
  }
  environment.CLERK_PUBLISHABLE_KEY = key ?? viteKey
  if (production && environment.DATABASE_URL === undefined) {
    problems.push(
      'DATABASE_URL is not set. In production set DATABASE_URL to your Neon connection string ' +
        '(postgresql://user:password@host/db?sslmode=require); the embedded database is for ' +
        'development and tests only.',
    )
  }
  const clerkKeys = [environment.CLERK_PUBLISHABLE_KEY, environment.CLERK_SECRET_KEY]
  problems.push(...authenticatedUrlProblems(environment))
  if (clerkKeys.filter(Boolean).length === 1) {
    problems.push(
      'Set both CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY, or neither (local sign-in).',
    )
  } else if (environment.AUTH_MODE === 'clerk' && !clerkKeys.every(Boolean)) {
    problems.push('AUTH_MODE=clerk needs CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY.')
  } else if (environment.AUTH_MODE === 'local' && clerkKeys.every(Boolean)) {
    problems.push('AUTH_MODE=local cannot be combined with CLERK_PUBLISHABLE_KEY/CLERK_SECRET_KEY.')
  } else if (production && !clerkKeys.every(Boolean) && environment.AUTH_MODE !== 'local') {
    problems.push(
      'CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY are not set. In production, set them from ' +
        'Clerk\u2019s dashboard; for a demo deployment with local sign-in, set AUTH_MODE=local.',
    )
  }
  if (production && environment.APP_URL === undefined) {
    problems.push(
      'APP_URL is not set. In production set it to the origin users reach the app at ' +
        '(https://quotebook.example.com); sessions are accepted only for that origin.',
    )
  }
  if (problems.length > 0) throw new EnvironmentError(problems.join('\n'))
  return environment
}

const EMBEDDED_AUTHENTICATED_URL = 'postgresql://authenticated@localhost/postgres'

// The Neon endpoint's host without `-pooler`: the pooled and the direct string reach one database.
const endpoint = (url: URL) => url.hostname.replace(/^([^.]+)-pooler\./, '$1.')

function authenticatedUrlProblems(environment: Environment): string[] {
  const { DATABASE_AUTHENTICATED_URL: value, DATABASE_URL: ownerValue } = environment
  if (value === undefined) return []
  const url = new URL(value)
  if (decodeURIComponent(url.username) !== 'authenticated') {
    return [
      'DATABASE_AUTHENTICATED_URL must connect as the role `authenticated`, whose rows ' +
        'row-level security limits to the session token\u2019s user (postgresql://authenticated@…).',
    ]
  }
  if (ownerValue === undefined) {
    const embedded = url.hostname === 'localhost' && url.port === '' && url.pathname === '/postgres'
    return embedded
      ? []
      : [
          'DATABASE_AUTHENTICATED_URL names another database than the embedded one (DATABASE_URL ' +
            `is unset). Set it to ${EMBEDDED_AUTHENTICATED_URL}: the embedded database\u2019s ` +
            'port is filled in when it starts.',
        ]
  }
  const owner = new URL(ownerValue)
  const same =
    endpoint(url) === endpoint(owner) &&
    (url.port || '5432') === (owner.port || '5432') &&
    url.pathname === owner.pathname
  const problems = same
    ? []
    : [
        'DATABASE_AUTHENTICATED_URL must name the same database as DATABASE_URL (host, port and ' +
          'database), connected as `authenticated`.',
      ]
  return problems
}

loadDotEnv()

export const env = parseEnvironment(process.env)

/**
 * Who signs users in, decided once, here: `clerk` with Clerk's keys, `local` without them (the
 * app's own issuer, in development, tests, or AUTH_MODE=local).
 */
export type AuthMode = 'clerk' | 'local'
export const authMode: AuthMode = env.CLERK_SECRET_KEY === undefined ? 'local' : 'clerk'

/** The host of Clerk's Frontend API, which the publishable key encodes; Clerk mode only. */
export const clerkFrontendApi =
  env.CLERK_PUBLISHABLE_KEY === undefined
    ? undefined
    : Buffer.from(env.CLERK_PUBLISHABLE_KEY.split('_')[2] ?? '', 'base64')
        .toString()
        .replace(/\$$/, '')

// Read by @clerk/react-router when its modules load, so it is set here, before they do. Keyless
// mode would create a Clerk application over the network whenever keys are missing; local mode
// has none, on purpose. Telemetry would report to Clerk from a process that has no Clerk.
process.env.CLERK_KEYLESS_DISABLED = '1'
if (env.CLERK_SECRET_KEY === undefined) process.env.CLERK_TELEMETRY_DISABLED = '1'
