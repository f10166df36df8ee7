import { spawnSync } from 'node:child_process'
import { expect, test } from '@playwright/test'

// The build exists: the web server of this run made it.
test('the production server refuses to start without DATABASE_URL, naming it', () => {
  const result = spawnSync(
    process.execPath,
    ['node_modules/@react-router/serve/bin.js', './build/server/index.js'],
    {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    },
  )
  expect(result.status).not.toBe(0)
  expect(result.stderr).toContain('DATABASE_URL is not set')
})
