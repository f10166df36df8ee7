import { data } from 'react-router'

// Every path that no other route claims, for GET and POST alike: a 404 from the error boundary.
// With its status text, which React Router would otherwise give as "Internal Server Error" in a
// data request's answer (`/no/such.data`).
const notFound = () => data(null, { status: 404, statusText: 'Not Found' })

export function loader() {
  throw notFound()
}

export function action() {
  throw notFound()
}

export default function NotFound() {
  return null
}
