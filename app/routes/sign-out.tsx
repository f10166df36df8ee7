import { redirect } from 'react-router'
import { clearedSessionCookies } from '../auth/local-identity.server'
import { authMode } from '../env.server'
import { withCookies } from '../http/cookies.server'
import { secureCookies } from '../http/request-context.server'
import type { Route } from './+types/sign-out'
import { resourceError } from '../http/route-error.server'

// Clerk mode signs out through Clerk's <UserButton />; this endpoint is local mode's.
export function action({ request }: Route.ActionArgs) {
  if (authMode !== 'local') return resourceError(404)
  const headers = withCookies(clearedSessionCookies({ secure: secureCookies(request) }))
  return redirect('/sign-in', { status: 303, headers })
}

export function loader() {
  return resourceError(404)
}
