import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'

// Local mode in a data directory of its own, set before env.server parses the environment, which
// the first import below does.
const dataDir = mkdtempSync(join(tmpdir(), 'quotebook-auth-'))
process.env.QUOTEBOOK_DATA_DIR = dataDir
for (const name of ['CLERK_PUBLISHABLE_KEY', 'VITE_CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY']) {
  delete process.env[name]
}
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

test('importing auth/ reads and writes nothing; the issuer’s key is made on first use', async () => {
  const { authMode } = await import('../env.server')
  expect(authMode).toBe('local')
  await import('./session-user.server')
  await import('./ended-session.server')
  const { cookieSecret } = await import('./cookie-secret.server')
  const keyFile = join(dataDir, 'local-identity.pem')
  expect(existsSync(keyFile)).toBe(false)
  const secret = cookieSecret()
  expect(Buffer.from(secret, 'base64')).toHaveLength(32)
  expect(existsSync(keyFile)).toBe(true)
  expect(cookieSecret()).toBe(secret)
})
