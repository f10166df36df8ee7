import { hkdfSync } from 'node:crypto'
import { env } from '../env.server'
import { localIssuer } from './clerk-options.server'

/**
 * The key that signs the app's own cookies (a kept draft), derived from a secret every instance
 * already shares, so a cookie one instance sets another can read: Clerk's secret key, or in local
 * mode the issuer's private key. Derived on first use.
 */
let secret: string | undefined

export function cookieSecret(): string {
  return (secret ??= deriveCookieSecret())
}

function deriveCookieSecret(): string {
  const issuer = localIssuer()
  const shared = issuer
    ? issuer.privateKey.export({ type: 'pkcs8', format: 'der' })
    : env.CLERK_SECRET_KEY!
  return Buffer.from(hkdfSync('sha256', shared, 'quotebook', 'cookie signing', 32)).toString(
    'base64',
  )
}
