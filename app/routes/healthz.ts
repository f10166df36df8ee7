import { checkDatabase, rowLevelSecurity } from '../db/client.server'
import { databaseFailure } from '../db/errors.server'
import { tokenSetupProblem } from '../db/token-setup.server'
import { env } from '../env.server'
import { logLine } from '../http/log.server'
import { requestIdOf } from '../http/request-context.server'
import type { Route } from './+types/healthz'

// For load balancers and uptime checks: public, one round trip, and of the setup only which
// row-level security runs. It checks what a signed-in page needs (the role switch and the table;
// with Neon RLS, the grants and policy it rests on, though no token is sent), not only that the
// database answers, so a deploy that cannot serve a page is not reported healthy. `rowLevelSecurity` says which check runs: `token` (Neon RLS) or `app-role`.
export async function loader(args: Route.LoaderArgs) {
  const headers = { 'Cache-Control': 'no-store' }
  try {
    const { tokens } = await checkDatabase()
    // In production the stand-in is refused here too: the start-up check may not have run
    // (the database did not answer then), and a balancer then sends this instance nothing.
    const problem =
      tokens && tokenSetupProblem(tokens, { production: env.NODE_ENV === 'production' })
    if (problem) {
      logLine('error', { requestId: requestIdOf(args.context), message: problem })
      return Response.json({ status: 'unavailable' }, { status: 503, headers })
    }
    return Response.json({ status: 'ok', rowLevelSecurity }, { headers })
  } catch (error) {
    // Logged as an outage (warn) or a setup error, such as a missing grant (error).
    databaseFailure(error, args, 'read')
    return Response.json({ status: 'unavailable' }, { status: 503, headers })
  }
}

// The only other method the server lets through. Without an action React Router would answer
// 405 with `{"message":"Unexpected Server Error"}`, which reads like an outage. The server adds
// `Allow: GET, HEAD`, as to every 405 from a route.
export function action() {
  return Response.json(
    { status: 'method not allowed' },
    { status: 405, headers: { 'Cache-Control': 'no-store' } },
  )
}
