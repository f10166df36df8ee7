import { pageError } from '../http/route-error.server'
import type { Route } from './+types/not-found'

// Every path that no other route claims, for GET and POST alike: a 404 from the error boundary,
// carrying its request's id, which the page shows after a move in the browser too.
export function loader(args: Route.LoaderArgs) {
  throw pageError(args, 404)
}

export function action(args: Route.ActionArgs) {
  throw pageError(args, 404)
}

export default function NotFound() {
  return null
}
