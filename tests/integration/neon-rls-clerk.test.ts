import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { appHandler, get, ORIGIN, post } from '../helpers/app'
import { authenticatedUrl } from '../helpers/authenticated-url'
import { sessionToken } from '../helpers/sessions'
import { heldLogLines } from '../helpers/setup'

// Clerk mode with Neon RLS on a database on this machine: Clerk's SDK verifies the session with
// CLERK_JWT_KEY, and the local transport verifies the same token again, with the same key, as
// Neon's proxy would with Clerk's JWKS. The app's whole path, not only the queries.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
process.env.CLERK_PUBLISHABLE_KEY = `pk_live_${Buffer.from('clerk.quotebook.test$').toString('base64')}`
process.env.CLERK_SECRET_KEY = 'sk_live_quotebook_test_only'
process.env.CLERK_JWT_KEY = publicKey.export({ type: 'spki', format: 'pem' }).toString()
process.env.APP_URL = ORIGIN
const serverUrl = process.env.DATABASE_URL
process.env.DATABASE_AUTHENTICATED_URL = authenticatedUrl(serverUrl)

let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

const session = (sub: string) => {
  const { token, payload } = sessionToken(privateKey, { sub })
  return { __session: token, __client_uat: String(payload.iat) }
}

describe('Clerk mode with Neon RLS', () => {
  test('/healthz says the database checks the token', async () => {
    expect(await (await handle(get('/healthz'))).json()).toEqual({
      status: 'ok',
      rowLevelSecurity: 'token',
    })
  })

  test("a Clerk session saves and reads its user's quote through the token's role", async () => {
    const cookies = session(`user_clerk_${randomUUID()}`)
    const saved = await handle(post('/edit', { quote: 'Checked twice', version: '' }, cookies))
    expect(saved.status).toBe(303)
    const page = await (await handle(get('/', cookies))).text()
    expect(page).toMatch(/<blockquote[^>]*>Checked twice<\/blockquote>/)
    // The token goes to the database, never into the page, its data or the log.
    const data = await (await handle(get('/_.data', cookies))).text()
    for (const text of [page, data, JSON.stringify(heldLogLines())]) {
      expect(text).not.toContain(cookies.__session)
    }
  })
})
