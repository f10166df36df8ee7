import { checkDatabase } from '../db/client.server'
import { databaseFailure } from '../db/errors.server'
import { logError } from '../http/request-id.server'
import type { Route } from './+types/healthz'

// For load balancers and uptime checks: public, one round trip, and nothing about the setup.
export async function loader({ request, context }: Route.LoaderArgs) {
  const headers = { 'Cache-Control': 'no-store' }
  try {
    await checkDatabase()
    return Response.json({ status: 'ok' }, { headers })
  } catch (error) {
    if (databaseFailure(error)?.status !== 503) throw error
    logError(context, request, 'health check: database unavailable', error)
    return Response.json({ status: 'unavailable' }, { status: 503, headers })
  }
}
