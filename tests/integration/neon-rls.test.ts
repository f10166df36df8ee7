import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto'
import { neon, type NeonDbError } from '@neondatabase/serverless'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { signJwt } from '../../app/auth/local-identity.server'
// Types only: the modules are imported once the environment above is set.
import type * as Client from '../../app/db/client.server'
import type * as Quotes from '../../app/db/user-messages.server'
import { now } from '../helpers/sessions'
import { authenticatedUrl } from '../helpers/authenticated-url'

// Neon RLS (DATABASE_AUTHENTICATED_URL): the database side, not the app, decides whose rows a
// statement sees. Offline the local transport checks each bearer token as Neon's proxy does,
// against the keys it is configured with, and the policy on `authenticated` reads auth.user_id().
const serverUrl = process.env.DATABASE_URL
process.env.DATABASE_AUTHENTICATED_URL = authenticatedUrl(serverUrl)

const { privateKey: trustedKey, publicKey: trustedPublic } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
})
const { privateKey: ecKey, publicKey: ecPublic } = generateKeyPairSync('ec', {
  namedCurve: 'prime256v1',
})
const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })

const ada = `user_rls_ada_${randomUUID()}`
const bob = `user_rls_bob_${randomUUID()}`

/** A session token as Clerk's: RS256 with the trusted key and its `kid`, unless told otherwise. */
function token(
  sub: string,
  {
    header = {},
    claims = {},
    key = trustedKey,
  }: { header?: object; claims?: object; key?: KeyObject } = {},
) {
  const iat = now() - 5
  return signJwt(
    { alg: 'RS256', kid: 'ins_trusted', typ: 'JWT', ...header },
    { sub, iat, nbf: iat - 10, exp: iat + 60, ...claims },
    key,
  )
}

function es256(sub: string) {
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${base64url({ alg: 'ES256', kid: 'ins_ec', typ: 'JWT' })}.${base64url({ sub })}`
  const signature = sign('sha256', Buffer.from(input), { key: ecKey, dsaEncoding: 'ieee-p1363' })
  return `${input}.${signature.toString('base64url')}`
}

let db: typeof Client
let quotes: typeof Quotes
let tokenRoleUrl: string

beforeAll(async () => {
  db = await import('../../app/db/client.server')
  quotes = await import('../../app/db/user-messages.server')
  db.trustSessionTokens(() => [
    { kid: 'ins_trusted', alg: 'RS256', key: trustedPublic },
    { kid: 'ins_ec', alg: 'ES256', key: ecPublic },
  ])
  tokenRoleUrl = (await db.authenticatedConnection())!
  await db.sql`insert into user_messages (user_id, message)
    values (${ada}, 'Ada’s quote'), (${bob}, 'Bob’s quote')`
})

afterAll(async () => {
  await db.sql`delete from user_messages where user_id in (${ada}, ${bob})`
  await db.closeDatabase()
})

// Every row as the owner sees it, past row-level security.
const stored = async (userId: string) =>
  (await db.sql`select message from user_messages where user_id = ${userId}`)[0]?.message

/** A statement as `role` with `authToken`, as the driver sends it to Neon. */
async function asRole(role: string, authToken: string | undefined, userId = bob) {
  const url = new URL(tokenRoleUrl)
  url.username = role
  const client = neon({ connectionString: url.href, ...(authToken ? { authToken } : {}) })
  return client.transaction([client`select user_id from user_messages where user_id = ${userId}`])
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: NeonDbError) => ({ message: error.message, code: error.code }),
  )

describe('Neon RLS: the database decides from the session token', () => {
  test('the mode is on', () => {
    expect(db.rowLevelSecurity).toBe('token')
  })

  test("the token's user sees and changes their own quote", async () => {
    const asAda = { id: ada, sessionToken: token(ada) }
    expect(await quotes.getQuoteForUser(asAda, db.newDeadline())).toMatchObject({
      text: 'Ada’s quote',
    })
    const saved = await quotes.saveQuote(asAda, 'Ada’s new quote', undefined, db.newDeadline())
    expect(saved).toMatchObject({ made: true, current: { text: 'Ada’s new quote' } })
    expect(await stored(ada)).toBe('Ada’s new quote')
  })

  test("with the app's user id wrong, Ada's token still reaches only Ada's row", async () => {
    // As if the app had computed Bob's id for Ada's request.
    const wrong = { id: bob, sessionToken: token(ada) }
    expect(await quotes.getQuoteForUser(wrong, db.newDeadline())).toBeNull()
    expect(
      await db.asUser(wrong, db.newDeadline(), db.sql`select user_id from user_messages`),
    ).toEqual([{ user_id: ada }])
    const saving = await refusal(quotes.saveQuote(wrong, 'forged', undefined, db.newDeadline()))
    // "new row violates row-level security policy": Bob's row cannot be written as Ada.
    expect(saving).toMatchObject({ code: '42501' })
    await quotes.deleteQuote(wrong, undefined, db.newDeadline())
    expect(await stored(bob)).toBe('Bob’s quote')
  })

  test('an ES256 (P-256) token is accepted as an RS256 one is', async () => {
    const rows = await db.asUser(
      { id: ada, sessionToken: es256(ada) },
      db.newDeadline(),
      db.sql`select user_id from user_messages`,
    )
    expect(rows).toEqual([{ user_id: ada }])
  })

  test('30 s of leeway on exp and nbf, as Neon allows', async () => {
    const lateButWithin = token(ada, { claims: { exp: now() - 20 } })
    const earlyButWithin = token(ada, { claims: { nbf: now() + 20 } })
    for (const sessionToken of [lateButWithin, earlyButWithin]) {
      const rows = await db.asUser({ id: ada, sessionToken }, db.newDeadline(), db.sql`select 1`)
      expect(rows).toHaveLength(1)
    }
  })

  const exp = now() - 31
  const nbf = now() + 60
  test.each([
    [
      'signed by a key not configured, under a known kid',
      () => token(bob, { key: strangerKey }),
      'signature error: signature error',
    ],
    [
      'under a kid not configured',
      () => token(bob, { header: { kid: 'ins_other' }, key: strangerKey }),
      'jwk not found',
    ],
    ['without a kid', () => token(bob, { header: { kid: undefined } }), 'missing key id'],
    [
      'expired past the leeway',
      () => token(bob, { claims: { exp } }),
      `JWT token has expired (exp=${exp})`,
    ],
    [
      'not yet valid past the leeway',
      () => token(bob, { claims: { nbf } }),
      `JWT token is not yet ready to use (nbf=${nbf})`,
    ],
    [
      'signed with RS384',
      () => token(bob, { header: { alg: 'RS384' } }),
      'signature algorithm not supported',
    ],
    [
      'with alg none',
      () =>
        `${token(bob, { header: { alg: 'none' } })
          .split('.')
          .slice(0, 2)
          .join('.')}.`,
      'signature algorithm not supported',
    ],
    [
      'that is not a JWT',
      () => 'not-a-token',
      'Provided authentication token is not a valid JWT encoding',
    ],
  ])('a token %s is refused by the transport, as Neon refuses it', async (_, make, message) => {
    const before = await stored(bob)
    const outcome = await refusal(
      quotes.saveQuote({ id: bob, sessionToken: make() }, 'forged', undefined, db.newDeadline()),
    )
    expect(outcome).toEqual({ message, code: '' })
    expect(await stored(bob)).toBe(before)
  })

  test('a wrong audience is refused when one is configured, as on Neon', async () => {
    db.trustSessionTokens(
      () => [{ kid: 'ins_trusted', alg: 'RS256', key: trustedPublic }],
      'quotebook',
    )
    try {
      const outcome = await refusal(
        asRole('authenticated', token(bob, { claims: { aud: 'other' } })),
      )
      expect(outcome).toEqual({ message: 'invalid JWT token audience', code: '' })
      const rows = await asRole(
        'authenticated',
        token(bob, { claims: { aud: ['x', 'quotebook'] } }),
      )
      expect(rows).toEqual([[{ user_id: bob }]])
    } finally {
      db.trustSessionTokens(() => [
        { kid: 'ins_trusted', alg: 'RS256', key: trustedPublic },
        { kid: 'ins_ec', alg: 'ES256', key: ecPublic },
      ])
    }
  })

  test('without a token, the authenticated and anonymous roles are refused', async () => {
    const missing = {
      message:
        'missing authentication credentials: required authorization bearer token in JWT format',
      code: '',
    }
    expect(await refusal(asRole('authenticated', undefined))).toEqual(missing)
    expect(await refusal(asRole('anonymous', undefined))).toEqual(missing)
  })

  test('as anonymous, even with a valid token, no row is readable', async () => {
    const outcome = await refusal(asRole('anonymous', token(bob)))
    // No grant on the table: "permission denied for table user_messages".
    expect(outcome).toMatchObject({ code: '42501' })
  })

  test("a token sent with the owner's connection string is refused, as Neon maps no key to it", async () => {
    const owner = neon({ connectionString: await ownerUrl(), authToken: token(bob) })
    expect(await refusal(owner`select 1`)).toEqual({ message: 'jwk not found', code: '' })
  })
})

async function ownerUrl() {
  const url = new URL(tokenRoleUrl)
  const owner = new URL(serverUrl ?? 'postgresql://neondb_owner@localhost')
  url.username = owner.username
  url.password = owner.password
  return url.href
}
