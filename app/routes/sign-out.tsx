import { data, redirect } from 'react-router'
import { clearedSessionCookies } from '../auth/local-identity.server'
import { authMode, secureCookies } from '../auth/session.server'
import type { Route } from './+types/sign-out'

// Clerk mode signs out through Clerk's <UserButton />; this endpoint is local mode's.
export function action({ request }: Route.ActionArgs) {
  if (authMode !== 'local') throw data('Not found', { status: 404 })
  const headers = new Headers()
  for (const cookie of clearedSessionCookies({ secure: secureCookies(request) })) {
    headers.append('Set-Cookie', cookie)
  }
  return redirect('/sign-in', { status: 303, headers })
}

export function loader() {
  throw data('Not found', { status: 404 })
}
