import { checkDatabase } from '../db/client.server'
import { databaseFailure, logDatabaseFailure } from '../db/errors.server'
import type { Route } from './+types/healthz'

// For load balancers and uptime checks: public, one round trip, and nothing about the setup. It
// checks what a signed-in page needs (the role switch and the table), not only that the database
// answers, so a deploy that cannot serve a page is not reported healthy.
export async function loader({ request, context }: Route.LoaderArgs) {
  const headers = { 'Cache-Control': 'no-store' }
  try {
    await checkDatabase()
    return Response.json({ status: 'ok' }, { headers })
  } catch (error) {
    // Unreachable is an outage (warn); anything else, such as a missing grant, is a setup error.
    const outage = databaseFailure(error)?.status === 503
    logDatabaseFailure(
      outage ? 'warn' : 'error',
      { context, request },
      outage ? 'database unavailable' : 'database not ready for the app',
      error,
    )
    return Response.json({ status: 'unavailable' }, { status: 503, headers })
  }
}
