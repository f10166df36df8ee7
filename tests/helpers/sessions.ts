import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { signJwt } from '../../app/auth/local-identity.server'
import { ORIGIN } from './app'

export const now = () => Math.floor(Date.now() / 1000)

export interface SessionClaims {
  [claim: string]: unknown
}

/** A session token in Clerk's shape, signed with `key` (RS256) unless the header says otherwise. */
export function sessionToken(
  key: KeyObject,
  claims: SessionClaims = {},
  issuer = 'https://clerk.quotebook.test',
) {
  const iat = now() - 5
  const payload = {
    azp: ORIGIN,
    exp: iat + 60,
    iat,
    iss: issuer,
    nbf: iat - 10,
    sid: 'sess_test',
    sub: 'user_test_ada',
    name: 'Ada Lovelace',
    ...claims,
  }
  return { token: signJwt({ alg: 'RS256', kid: 'ins_test', typ: 'JWT' }, payload, key), payload }
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

export const otherKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

/**
 * Every kind of session the app must treat as signed out, each as the cookies a browser would
 * send. `key` is the key the app trusts.
 */
export function refusedSessions(
  key: KeyObject,
  issuer?: string,
): [string, Record<string, string>][] {
  const session = (claims: SessionClaims = {}, signingKey = key) => {
    const { token, payload } = sessionToken(signingKey, claims, issuer)
    return { __session: token, __client_uat: String(payload.iat) }
  }
  const valid = sessionToken(key, {}, issuer)
  const [header, , signature] = valid.token.split('.')
  const altered = `${header}.${b64({ ...valid.payload, sub: 'user_test_mallory' })}.${signature}`
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(valid.payload)}.`
  const { azp: _azp, ...withoutAzp } = valid.payload
  return [
    ['expired', session({ iat: now() - 600, nbf: now() - 610, exp: now() - 540 })],
    ['not valid before a future time', session({ nbf: now() + 600 })],
    ['signed with another key', session({}, otherKey())],
    [
      'payload altered after signing',
      { __session: altered, __client_uat: String(valid.payload.iat) },
    ],
    ['alg: none', { __session: unsigned, __client_uat: String(valid.payload.iat) }],
    ['no __client_uat', { __session: valid.token }],
    [
      '__client_uat newer than iat',
      { __session: valid.token, __client_uat: String(valid.payload.iat + 100) },
    ],
    ['azp not authorized', session({ azp: 'https://evil.example' })],
    [
      'azp missing',
      {
        __session: signJwt({ alg: 'RS256', typ: 'JWT' }, withoutAzp, key),
        __client_uat: String(valid.payload.iat),
      },
    ],
    ['a garbage cookie', { __session: 'garbage.not-a.jwt', __client_uat: '1' }],
    ['a 10 KB cookie', { __session: 'x'.repeat(10 * 1024), __client_uat: '1' }],
  ]
}
