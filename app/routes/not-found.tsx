import { requestIdOf } from '../http/request-context.server'
import { routeError } from '../http/route-error.server'
import type { Route } from './+types/not-found'

// Every path that no other route claims, for GET and POST alike: a 404 from the error boundary,
// carrying its request's id, which the page shows after a move in the browser too.
export function loader({ context }: Route.LoaderArgs) {
  throw routeError(404, { requestId: requestIdOf(context) })
}

export function action({ context }: Route.ActionArgs) {
  throw routeError(404, { requestId: requestIdOf(context) })
}

export default function NotFound() {
  return null
}
