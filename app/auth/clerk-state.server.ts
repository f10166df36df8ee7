import { env } from '../env.server'

/**
 * Clerk's state for <ClerkProvider>, from `rootAuthLoader`, without `__clerk_debug` in
 * production. That part says why a session was refused (Clerk's reason and message, such as
 * `token-invalid-signature`), as the `x-clerk-*` headers the server removes do, and is in every
 * page and data request; the provider only copies it to `window.__clerk_debug`.
 */
export function withoutClerkDiagnostics(
  clerkState: unknown,
  production = env.NODE_ENV === 'production',
): unknown {
  const state = (clerkState as { __internal_clerk_state?: unknown } | null)?.__internal_clerk_state
  if (!production || typeof state !== 'object' || state === null) {
    return clerkState
  }
  const { __clerk_debug: _diagnostics, ...kept } = state as Record<string, unknown>
  return { ...(clerkState as object), __internal_clerk_state: kept }
}
