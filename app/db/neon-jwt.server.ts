import { type KeyObject, verify } from 'node:crypto'

/**
 * What Neon's proxy checks of a bearer token before a request runs as `authenticated` (Neon RLS),
 * for the local transport to check it the same way (neondatabase/neon, proxy/src/auth/backend/
 * jwt.rs and serverless/http_util.rs, read at 6a35a3e): a `kid` it knows, RS256 or ES256 (P-256),
 * a valid signature, the audience when one is configured, and `exp`/`nbf` with 30 s of leeway.
 * The issuer is not checked, and `exp` and `nbf` may be absent. Every refusal is a 400 whose
 * message is one of these, with no code.
 */
export const jwtRefusals = {
  missing: 'missing authentication credentials: required authorization bearer token in JWT format',
  encoding: 'Provided authentication token is not a valid JWT encoding',
  missingKeyId: 'missing key id',
  unknownKey: 'jwk not found',
  algorithm: 'signature algorithm not supported',
  rsaAlgorithm: 'invalid RSA signing algorithm',
  ecKeyType: (curve: string) => `unsupported EC key type ${curve}`,
  signature: 'signature error: signature error',
  audience: 'invalid JWT token audience',
  expired: (exp: number) => `JWT token has expired (exp=${exp})`,
  notYetValid: (nbf: number) => `JWT token is not yet ready to use (nbf=${nbf})`,
}

/**
 * Whether a message from the database is Neon's refusal of a session token, or of its JWKS
 * (a fetch that failed: `jwk not found`, or `failed to fetch auth rules: …`).
 */
export const isJwtRefusal = (message: string) =>
  /^(missing authentication credentials|invalid header: authorization$|Provided authentication token is not|missing key id$|jwk not found$|signature algorithm not supported$|invalid RSA signing algorithm$|unsupported EC key type |unsupported key type |invalid (P256|RSA) key$|signature error|invalid JWT token audience$|JWT token has expired |JWT token is not yet ready to use |failed to fetch auth rules)/.test(
    message,
  )

/** The roles Neon maps a project's JWKS to: a request as one of them must carry a token. */
export const TOKEN_ROLES = new Set(['authenticated', 'anonymous'])

/** A key the configuration trusts, as an entry of the JWKS Neon is given. */
export interface TrustedKey {
  /** Its `kid`; null for a key given without one (a PEM, such as CLERK_JWT_KEY): any `kid`. */
  kid: string | null
  /** The `alg` the JWK declares, which a token's must then equal. */
  alg?: 'RS256' | 'ES256'
  key: KeyObject
}

export interface TokenTrust {
  keys: TrustedKey[]
  /** Checked only when set, as Neon checks `aud` only when the project configures one. */
  audience?: string
}

const CLOCK_SKEW_LEEWAY = 30

// Node's name of a curve → the algorithm that signs with it, and Neon's name for it.
const ecCurves: Record<string, { alg: string; name: string }> = {
  prime256v1: { alg: 'ES256', name: 'P256' },
  secp384r1: { alg: 'ES384', name: 'P384' },
  secp521r1: { alg: 'ES512', name: 'P521' },
}

export type TokenCheck = { claims: Record<string, unknown> } | { refused: string }

const base64url = /^[A-Za-z0-9_-]*$/

// Strict, as Neon's decoder: unpadded, and no stray bits that Node's lenient one would drop.
function decodeBase64url(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64url')
  if (!base64url.test(part) || bytes.toString('base64url') !== part) {
    throw new SyntaxError('not base64url')
  }
  return bytes
}

const decodeJson = (part: string): unknown => JSON.parse(decodeBase64url(part).toString('utf8'))

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

// A time claim, when present and not null, must be a whole number of seconds (Neon: Option<u64>).
const isTime = (value: unknown) =>
  value === undefined || value === null || (Number.isSafeInteger(value) && (value as number) >= 0)

// Claims Neon parses as optional strings: any other type is an encoding error.
const isOptionalString = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string'

// Algorithms Neon's JWT library (jose-jwa) parses; any other `alg` is an encoding error.
const knownAlgorithms = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES256K',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'none',
])

/**
 * The verified claims of the token in an `Authorization` header, for a request as `role`, or
 * the message Neon's proxy refuses it with. The keys come from configuration, never the token.
 */
export function checkBearer(
  authorization: string | null,
  role: string,
  trust: TokenTrust | undefined,
  now = Date.now() / 1000,
): TokenCheck {
  if (authorization === null || !authorization.startsWith('Bearer ')) {
    return { refused: jwtRefusals.missing }
  }
  const token = authorization.slice('Bearer '.length)
  const parts = token.split('.')
  if (parts.length !== 3) return { refused: jwtRefusals.encoding }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  let header: unknown
  let payload: unknown
  try {
    header = decodeJson(headerPart)
    payload = decodeJson(payloadPart)
    decodeBase64url(signaturePart)
  } catch {
    return { refused: jwtRefusals.encoding }
  }
  if (
    !isRecord(header) ||
    typeof header.alg !== 'string' ||
    !knownAlgorithms.has(header.alg) ||
    !isOptionalString(header.kid) ||
    !isRecord(payload) ||
    !isTime(payload.exp) ||
    !isTime(payload.nbf) ||
    !['iss', 'sub', 'jti', 'sid'].every((claim) => isOptionalString(payload[claim]))
  ) {
    return { refused: jwtRefusals.encoding }
  }
  if (typeof header.kid !== 'string') return { refused: jwtRefusals.missingKeyId }
  // Neon looks a key up only among the key sets mapped to the request's role.
  const trusted = TOKEN_ROLES.has(role)
    ? trust?.keys.find(({ kid }) => kid === null || kid === header.kid)
    : undefined
  if (trusted === undefined) return { refused: jwtRefusals.unknownKey }

  const alg = header.alg
  const keyType = trusted.key.asymmetricKeyType
  const curve = ecCurves[trusted.key.asymmetricKeyDetails?.namedCurve ?? '']
  // As jose-jwk's `is_supported`: an algorithm of the key's kind (of its curve, for EC), equal
  // to the JWK's own `alg` when it declares one. Then Neon verifies RS256 and P-256 only.
  const supported =
    (keyType === 'rsa' && /^(RS|PS)(256|384|512)$/.test(alg)) ||
    (keyType === 'ec' && curve !== undefined && alg === curve.alg)
  if (!supported || (trusted.alg !== undefined && trusted.alg !== alg)) {
    return { refused: jwtRefusals.algorithm }
  }
  if (keyType === 'rsa' && alg !== 'RS256') return { refused: jwtRefusals.rsaAlgorithm }
  if (keyType === 'ec' && alg !== 'ES256') return { refused: jwtRefusals.ecKeyType(curve!.name) }
  const signed = Buffer.from(`${headerPart}.${payloadPart}`)
  const signature = decodeBase64url(signaturePart)
  const valid =
    alg === 'RS256'
      ? verify('RSA-SHA256', signed, trusted.key, signature)
      : alg === 'ES256' &&
        signature.length === 64 &&
        verify('sha256', signed, { key: trusted.key, dsaEncoding: 'ieee-p1363' }, signature)
  if (!valid) return { refused: jwtRefusals.signature }

  if (trust?.audience !== undefined) {
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
    if (!audiences.includes(trust.audience)) return { refused: jwtRefusals.audience }
  }
  const { exp, nbf } = payload as { exp?: number | null; nbf?: number | null }
  if (typeof exp === 'number' && now >= exp + CLOCK_SKEW_LEEWAY) {
    return { refused: jwtRefusals.expired(exp) }
  }
  if (typeof nbf === 'number' && nbf >= now + CLOCK_SKEW_LEEWAY) {
    return { refused: jwtRefusals.notYetValid(nbf) }
  }
  return { claims: payload }
}
