import { checkDatabase } from '../db/client.server'
import { expectedDatabaseFailure } from '../db/errors.server'
import type { Route } from './+types/healthz'

// For load balancers and uptime checks: public, one round trip, and nothing about the setup.
export async function loader({ request, context }: Route.LoaderArgs) {
  const headers = { 'Cache-Control': 'no-store' }
  try {
    await checkDatabase()
    return Response.json({ status: 'ok' }, { headers })
  } catch (error) {
    expectedDatabaseFailure(error, { context, request }, [503])
    return Response.json({ status: 'unavailable' }, { status: 503, headers })
  }
}
