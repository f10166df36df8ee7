import { checkDatabase } from '../db/client.server'
import { databaseFailure } from '../db/errors.server'
import { describeError, logLine } from '../http/log.server'
import { requestIdOf } from '../http/request-id.server'
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
    logLine(outage ? 'warn' : 'error', {
      requestId: requestIdOf(context),
      path: new URL(request.url).pathname,
      message: outage ? 'database unavailable' : 'database not ready for the app',
      error: describeError(error, false),
    })
    return Response.json({ status: 'unavailable' }, { status: 503, headers })
  }
}
