import { data } from 'react-router'

// Every path that no other route claims, for GET and POST alike: a 404 from the error boundary.
export function loader() {
  throw data(null, { status: 404 })
}

export function action() {
  throw data(null, { status: 404 })
}

export default function NotFound() {
  return null
}
