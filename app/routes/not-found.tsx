import { routeError } from '../http/route-error.server'

// Every path that no other route claims, for GET and POST alike: a 404 from the error boundary.
export function loader() {
  throw routeError(404)
}

export function action() {
  throw routeError(404)
}

export default function NotFound() {
  return null
}
