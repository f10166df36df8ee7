import { spawn, spawnSync } from 'node:child_process'
import { expect, test } from '@playwright/test'

// These start the production server themselves; the build exists, since this run's web server
// made it. They run once, in the "server" project.

const serve = ['build/server/index.js']
const base = { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1' }

function refusal(env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, serve, {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { status: result.status, stderr: result.stderr }
}

test('production refuses to start without DATABASE_URL, naming it', () => {
  const { status, stderr } = refusal({})
  expect(status).not.toBe(0)
  expect(stderr).toContain('DATABASE_URL is not set')
  // What to fix, without a stack or a source excerpt.
  expect(stderr).not.toMatch(/^\s+at /m)
  expect(stderr).not.toContain('env.server')
})

test('production refuses to start without Clerk keys or AUTH_MODE=local, naming them', () => {
  const { status, stderr } = refusal({
    DATABASE_URL: 'postgresql://quotebook@127.0.0.1:9/quotebook',
    APP_URL: 'https://quotebook.example',
  })
  expect(status).not.toBe(0)
  expect(stderr).toContain('CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY are not set')
  expect(stderr).toContain('AUTH_MODE=local')
})

test('production with AUTH_MODE=local starts, with a warning', async () => {
  const child = spawn(process.execPath, serve, {
    env: {
      ...base,
      DATABASE_URL: 'postgresql://quotebook@127.0.0.1:9/quotebook',
      APP_URL: 'https://quotebook.example',
      AUTH_MODE: 'local',
      QUOTEBOOK_DATA_DIR: 'memory://',
    },
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  try {
    await expect.poll(() => output, { timeout: 20_000 }).toContain('"message":"listening"')
    expect(output).toContain('AUTH_MODE=local in production: anyone can sign in')
  } finally {
    child.kill()
  }
})
