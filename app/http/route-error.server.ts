import { STATUS_CODES } from 'node:http'
import { data, type RouterContextProvider } from 'react-router'
import { requestIdOf } from './request-context.server'

/**
 * An error for a page's loader or action to throw: the route's error boundary shows it, with
 * `body` (a message, or `{ message }`) in place of the error page's own words for the status.
 * It carries the status's own text; for a thrown `data()` without one React Router writes
 * "Internal Server Error", whatever the status, into a data request's answer and the page's
 * hydration data.
 */
export const routeError = <Body = null>(status: number, body: Body = null as Body) =>
  data(body, { status, statusText: STATUS_CODES[status] })

/**
 * A page's error, carrying its request's id, which the error page shows: after a move in the
 * browser the root's data may be an earlier request's.
 */
export const pageError = (
  { context }: { context: Readonly<RouterContextProvider> },
  status: number,
  body: { message?: string } = {},
) => routeError(status, { ...body, requestId: requestIdOf(context) })

/**
 * The same for a resource route (one without a page: sign-out, the webhook), answered as it is.
 * React Router would answer a `data()` thrown there as `{"message":"Unexpected Server Error"}`.
 */
export const resourceError = (status: number) =>
  new Response(`${STATUS_CODES[status]}\n`, {
    status,
    statusText: STATUS_CODES[status],
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  })
