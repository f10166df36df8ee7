import { describe, expect, test } from 'vitest'
import { parseEnvironment } from './env.server'

describe('parseEnvironment', () => {
  test('development needs nothing: the embedded database in .data', () => {
    expect(parseEnvironment({})).toEqual({ NODE_ENV: 'development', QUOTEBOOK_DATA_DIR: '.data' })
  })

  test('an empty variable counts as unset', () => {
    expect(parseEnvironment({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined()
  })

  test('production without DATABASE_URL fails, naming the variable', () => {
    expect(() => parseEnvironment({ NODE_ENV: 'production' })).toThrow(/^DATABASE_URL is not set/)
  })

  test('production with a Neon URL is accepted', () => {
    const url =
      'postgresql://user:secret@ep-example-123.eu-central-1.aws.neon.tech/neondb?sslmode=require'
    expect(parseEnvironment({ NODE_ENV: 'production', DATABASE_URL: url }).DATABASE_URL).toBe(url)
  })

  test('a malformed URL names the variable and never echoes its value', () => {
    const attempt = () => parseEnvironment({ DATABASE_URL: 'mysql://user:hunter2@host/db' })
    expect(attempt).toThrow(/^Invalid environment: DATABASE_URL: must be a postgres/)
    expect(attempt).not.toThrow(/hunter2/)
  })
})
