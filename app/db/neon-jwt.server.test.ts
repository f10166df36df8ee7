import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { checkBearer, isJwtRefusal, jwtRefusals, type TokenTrust } from './neon-jwt.server'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
const NOW = 1_800_000_000

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

function jwt(header: object, payload: object, key: KeyObject, algorithm = 'sha256', ec = false) {
  const input = `${part(header)}.${part(payload)}`
  const signature = sign(
    algorithm,
    Buffer.from(input),
    ec ? { key, dsaEncoding: 'ieee-p1363' } : key,
  )
  return `Bearer ${input}.${signature.toString('base64url')}`
}

const rs256 = (header: object = {}, payload: object = {}) =>
  jwt({ alg: 'RS256', kid: 'rsa', ...header }, { sub: 'user_a', ...payload }, rsa.privateKey)

const trust: TokenTrust = {
  keys: [
    { kid: 'rsa', alg: 'RS256', key: rsa.publicKey },
    { kid: 'p256', key: p256.publicKey },
    { kid: 'p384', key: p384.publicKey },
  ],
}

const check = (authorization: string | null, role = 'authenticated', with_ = trust) =>
  checkBearer(authorization, role, with_, NOW)

describe("checkBearer: Neon's proxy's checks of a session token", () => {
  test('a valid RS256 token gives its claims', () => {
    expect(check(rs256({}, { exp: NOW + 60 }))).toEqual({
      claims: { sub: 'user_a', exp: NOW + 60 },
    })
  })

  test('a valid ES256 token on a P-256 key gives its claims', () => {
    const token = jwt(
      { alg: 'ES256', kid: 'p256' },
      { sub: 'user_a' },
      p256.privateKey,
      'sha256',
      true,
    )
    expect(check(token)).toEqual({ claims: { sub: 'user_a' } })
  })

  test('a key given without a kid (a PEM) matches any kid', () => {
    const pem = { keys: [{ kid: null, key: rsa.publicKey }] }
    expect(check(rs256({ kid: 'ins_anything' }), 'authenticated', pem)).toHaveProperty('claims')
  })

  test.each([
    ['no Authorization header', null, jwtRefusals.missing],
    ['a scheme other than Bearer', 'Basic dXNlcjpwYXNz', jwtRefusals.missing],
    ['two parts', 'Bearer a.b', jwtRefusals.encoding],
    [
      'a header that is not JSON',
      `Bearer ${Buffer.from('{').toString('base64url')}.e30.x`,
      jwtRefusals.encoding,
    ],
    ['an unknown alg', rs256({ alg: 'XS256' }), jwtRefusals.encoding],
    ['an exp that is not a whole number', rs256({}, { exp: 'soon' }), jwtRefusals.encoding],
    ['no kid', rs256({ kid: undefined }), jwtRefusals.missingKeyId],
    ['a kid that is not a string', rs256({ kid: 7 }), jwtRefusals.encoding],
    ['a sub that is not a string', rs256({}, { sub: 42 }), jwtRefusals.encoding],
    ['alg none', rs256({ alg: 'none' }), jwtRefusals.algorithm],
    [
      // 2,048 bits in 342 characters leave 4 bits over; Neon's strict decoder refuses them set.
      'a signature whose spare bits are set',
      `${rs256().slice(0, -1)}${rs256().endsWith('B') ? 'C' : 'B'}`,
      jwtRefusals.encoding,
    ],
    ['an unknown kid', rs256({ kid: 'other' }), jwtRefusals.unknownKey],
    ['HS256 on an RSA key', rs256({ alg: 'HS256' }), jwtRefusals.algorithm],
    ['an alg other than the JWK declares', rs256({ alg: 'PS256' }), jwtRefusals.algorithm],
    [
      'a signature by another key',
      jwt(
        { alg: 'RS256', kid: 'rsa' },
        {},
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      ),
      jwtRefusals.signature,
    ],
    [
      'ES384 on a P-384 key',
      jwt({ alg: 'ES384', kid: 'p384' }, {}, p384.privateKey, 'sha384', true),
      jwtRefusals.ecKeyType('P384'),
    ],
    [
      'ES256 on a P-384 key',
      jwt({ alg: 'ES256', kid: 'p384' }, {}, p384.privateKey, 'sha256', true),
      jwtRefusals.algorithm,
    ],
    ['an exp 30 s past', rs256({}, { exp: NOW - 30 }), jwtRefusals.expired(NOW - 30)],
    ['an nbf 30 s ahead', rs256({}, { nbf: NOW + 30 }), jwtRefusals.notYetValid(NOW + 30)],
  ])('refuses %s', (_, authorization, message) => {
    expect(check(authorization)).toEqual({ refused: message })
    expect(isJwtRefusal(message)).toBe(true)
  })

  test('RS384 on a key whose JWK declares no alg is an invalid RSA signing algorithm', () => {
    const token = jwt({ alg: 'RS384', kid: 'rsa' }, {}, rsa.privateKey, 'sha384')
    const noAlg = { keys: [{ kid: 'rsa', key: rsa.publicKey }] }
    expect(check(token, 'authenticated', noAlg)).toEqual({ refused: jwtRefusals.rsaAlgorithm })
  })

  test('accepts exp and nbf within 30 s, and tokens without them or with them null', () => {
    expect(check(rs256({}, { exp: NOW - 29, nbf: NOW + 29 }))).toHaveProperty('claims')
    expect(check(rs256())).toHaveProperty('claims')
    expect(check(rs256({}, { exp: null, nbf: null }))).toHaveProperty('claims')
  })

  test('checks aud only when an audience is configured', () => {
    const withAudience = { ...trust, audience: 'quotebook' }
    expect(check(rs256({}, { aud: 'other' }))).toHaveProperty('claims')
    expect(check(rs256({}, { aud: 'other' }), 'authenticated', withAudience)).toEqual({
      refused: jwtRefusals.audience,
    })
    expect(
      check(rs256({}, { aud: ['a', 'quotebook'] }), 'authenticated', withAudience),
    ).toHaveProperty('claims')
  })

  test("a role Neon maps no key set to (the owner's) finds no key", () => {
    expect(check(rs256(), 'neondb_owner')).toEqual({ refused: jwtRefusals.unknownKey })
  })

  test('without a configured key set, every token is refused', () => {
    expect(checkBearer(rs256(), 'authenticated', undefined, NOW)).toEqual({
      refused: jwtRefusals.unknownKey,
    })
  })

  test.each([
    'unsupported key type Okp(Ed25519)',
    'invalid P256 key',
    'invalid RSA key',
    'invalid header: authorization',
  ])("Neon's refusal %j is taken for a token refusal", (message) =>
    expect(isJwtRefusal(message)).toBe(true),
  )

  test('a database error is not taken for a token refusal', () => {
    expect(isJwtRefusal('permission denied for table user_messages')).toBe(false)
    expect(isJwtRefusal("Couldn't connect to compute node")).toBe(false)
  })
})
