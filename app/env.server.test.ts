import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { ENVIRONMENT_VARIABLES, parseEnvironment } from './env.server'

const neonUrl =
  'postgresql://user:secret@ep-example-123.eu-central-1.aws.neon.tech/neondb?sslmode=require'
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: neonUrl,
  APP_URL: 'https://quotebook.example/',
  CLERK_PUBLISHABLE_KEY: 'pk_live_Y2xlcmsucXVvdGVib29rLmV4YW1wbGUk',
  CLERK_SECRET_KEY: 'sk_live_example',
}

describe('parseEnvironment', () => {
  describe('DATABASE_AUTHENTICATED_URL (Neon RLS)', () => {
    const authenticated = (url: string) => {
      const value = new URL(url)
      value.username = 'authenticated'
      value.password = ''
      return value.href
    }

    test.each([
      ['the same Neon database, direct', { DATABASE_URL: neonUrl }, authenticated(neonUrl)],
      [
        'the direct endpoint of the pooled one DATABASE_URL names',
        { DATABASE_URL: neonUrl.replace('ep-example-123.', 'ep-example-123-pooler.') },
        authenticated(neonUrl),
      ],
      [
        'the same local server database',
        { DATABASE_URL: 'postgresql://owner@127.0.0.1:5432/quotebook' },
        'postgresql://authenticated@127.0.0.1/quotebook',
      ],
      ['the embedded database', {}, 'postgresql://authenticated@localhost/postgres'],
    ])('%s is accepted', (_, environment, value) => {
      expect(
        parseEnvironment({ ...environment, DATABASE_AUTHENTICATED_URL: value })
          .DATABASE_AUTHENTICATED_URL,
      ).toBe(value)
    })

    test.each([
      [
        'another role',
        { DATABASE_URL: neonUrl },
        neonUrl,
        /must connect as the role `authenticated`/,
      ],
      [
        'another database',
        { DATABASE_URL: neonUrl },
        authenticated(neonUrl).replace('/neondb', '/other'),
        /same database as DATABASE_URL/,
      ],
      [
        'another host',
        { DATABASE_URL: 'postgresql://owner@127.0.0.1:5432/quotebook' },
        'postgresql://authenticated@127.0.0.1:5433/quotebook',
        /same database as DATABASE_URL/,
      ],
      [
        'a server, with the embedded database',
        {},
        'postgresql://authenticated@127.0.0.1:5432/postgres',
        /Set it to postgresql:\/\/authenticated@localhost\/postgres/,
      ],
    ])('%s is refused, saying what to set', (_, environment, value, message) => {
      expect(() => parseEnvironment({ ...environment, DATABASE_AUTHENTICATED_URL: value })).toThrow(
        message,
      )
    })
  })

  test('development needs nothing: the embedded database in .data, local sign-in', () => {
    expect(parseEnvironment({})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      QUOTEBOOK_DATA_DIR: '.data',
      QUERY_TIMEOUT_MS: 5000,
      RESPONSE_TIMEOUT_MS: 60000,
      PORT: 3000,
    })
  })

  test('an empty variable counts as unset', () => {
    expect(parseEnvironment({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined()
  })

  test('a complete production environment is accepted, APP_URL reduced to its origin', () => {
    const environment = parseEnvironment(production)
    expect(environment.DATABASE_URL).toBe(neonUrl)
    expect(environment.APP_URL).toBe('https://quotebook.example')
  })

  test.each([
    ['DATABASE_URL', /^DATABASE_URL is not set/m],
    ['APP_URL', /^APP_URL is not set/m],
    ['CLERK_SECRET_KEY', /^Set both CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY, or neither/m],
  ])('production without %s fails, naming it', (name, message) => {
    expect(() => parseEnvironment({ ...production, [name]: undefined })).toThrow(message)
  })

  test('the publishable key may come as VITE_CLERK_PUBLISHABLE_KEY, as Clerk’s snippet names it', () => {
    const { CLERK_PUBLISHABLE_KEY: key, ...rest } = production
    expect(
      parseEnvironment({ ...rest, VITE_CLERK_PUBLISHABLE_KEY: key }).CLERK_PUBLISHABLE_KEY,
    ).toBe(key)
    expect(() =>
      parseEnvironment({ ...production, VITE_CLERK_PUBLISHABLE_KEY: 'pk_test_b3RoZXIk' }),
    ).toThrow(/CLERK_PUBLISHABLE_KEY and VITE_CLERK_PUBLISHABLE_KEY differ/)
  })

  test('production without Clerk keys fails unless AUTH_MODE=local', () => {
    const { CLERK_PUBLISHABLE_KEY: _, CLERK_SECRET_KEY: __, ...withoutClerk } = production
    expect(() => parseEnvironment(withoutClerk)).toThrow(
      /CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY are not set.*AUTH_MODE=local/,
    )
    expect(parseEnvironment({ ...withoutClerk, AUTH_MODE: 'local' }).AUTH_MODE).toBe('local')
  })

  test.each([
    'https://quotebook.example/app',
    'https://quotebook.example/?x=1',
    'https://u:p@quotebook.example',
  ])('APP_URL %s, more than an origin, is refused rather than cut down to one', (value) => {
    expect(() => parseEnvironment({ APP_URL: value })).toThrow(
      /APP_URL: must be an origin only \(https:\/\/host\[:port\]\): no path, query or credentials/,
    )
  })

  test('APP_URL without a scheme is named, not a crash', () => {
    expect(() => parseEnvironment({ APP_URL: 'quotebook.example.com' })).toThrow(
      /^Invalid environment: APP_URL: must be the http\(s\) origin the app is served at$/,
    )
  })

  test('every problem is reported at once', () => {
    expect(() => parseEnvironment({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL is not set[\s\S]*CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY are not set[\s\S]*APP_URL is not set/,
    )
  })

  test('CLERK_JWT_KEY may carry its newlines as \\n', () => {
    const key = '-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----'
    expect(parseEnvironment({ CLERK_JWT_KEY: key }).CLERK_JWT_KEY).toBe(
      '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
    )
  })

  test('a malformed value names the variable and never echoes the value', () => {
    const attempt = () => parseEnvironment({ DATABASE_URL: 'mysql://user:hunter2@host/db' })
    expect(attempt).toThrow(/^Invalid environment: DATABASE_URL: must be a postgres/)
    expect(attempt).not.toThrow(/hunter2/)
    const secret = () => parseEnvironment({ CLERK_SECRET_KEY: 'hunter2' })
    expect(secret).toThrow(/CLERK_SECRET_KEY: must be a Clerk secret key/)
    expect(secret).not.toThrow(/hunter2/)
  })
})

describe('the documented variables', () => {
  const TOOLS_HEADING = '### For tests and the benchmark'
  const TOOLS_MARK = '# ---- For tests and the benchmark'
  const readme = readFileSync('README.md', 'utf8')
  const example = readFileSync('.env.example', 'utf8')
  const section = readme.slice(readme.indexOf('## Environment variables'))
  const appTable = section.slice(0, section.indexOf(TOOLS_HEADING))
  const toolTable = section.slice(
    section.indexOf(TOOLS_HEADING),
    section.indexOf('\n## ', section.indexOf(TOOLS_HEADING)),
  )
  const tableNames = (table: string) =>
    [...table.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`/gm)].map((match) => match[1]).sort()
  const exampleNames = (text: string) =>
    [...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]).sort()

  test('README, .env.example and the parser name the same variables of the app', () => {
    expect(appTable.length).toBeGreaterThan(0)
    const parsed = [...ENVIRONMENT_VARIABLES].sort()
    expect(tableNames(appTable)).toEqual(parsed)
    expect(exampleNames(example.slice(0, example.indexOf(TOOLS_MARK)))).toEqual(parsed)
  })

  test('README and .env.example name the same variables of the tests and the benchmark', () => {
    const tools = tableNames(toolTable)
    expect(tools.length).toBeGreaterThan(0)
    expect(exampleNames(example.slice(example.indexOf(TOOLS_MARK)))).toEqual(tools)
    for (const name of tools) expect(ENVIRONMENT_VARIABLES).not.toContain(name)
  })
})
