import { isRouteErrorResponse, useLocation, useRouteLoaderData } from 'react-router'

interface Props {
  error: unknown
  /**
   * What the route offers instead of the general message, such as the form with the typed text,
   * which says itself what went wrong and is the way to try again.
   */
  children?: React.ReactNode
}

const defaults: Record<number, { title: string; message: string }> = {
  400: { title: 'That request was not understood', message: 'Go back and try again.' },
  404: { title: 'Page not found', message: 'The page you asked for does not exist.' },
  405: {
    title: 'Not something this page does',
    message: 'That cannot be sent from here. Go back to Quotebook and try again from its page.',
  },
  413: { title: 'Too much at once', message: 'That form was larger than Quotebook accepts.' },
  503: {
    title: 'Temporarily unavailable',
    message: 'Quotebook is temporarily unavailable. Try again in a moment.',
  },
}

function describe(error: unknown) {
  let status = 500
  let detail: string | undefined
  if (isRouteErrorResponse(error)) {
    status = error.status
    const body = error.data as unknown
    // Only a route's `{ message }`: React Router's own errors carry a string for the app's
    // developer ("You made a POST request to…"), and are not marked so after hydration.
    if (typeof body === 'object' && body !== null && 'message' in body)
      detail = String(body.message)
  }
  const known = defaults[status]
  const title = known?.title ?? (status >= 500 ? 'Something went wrong' : `Error ${status}`)
  const message = detail ?? known?.message ?? 'An unexpected error occurred. Try again.'
  return { status, title, message }
}

/** The document title of an error page, for the route's `meta`. */
export const errorTitle = (error: unknown) => `${describe(error).title} · Quotebook`

/**
 * The one error page: a title and message by status, the request id to quote when reporting it,
 * and in development the stack. Nothing of the error's own text reaches production HTML, except
 * a message a route chose to send. A route that offers the typed text again passes its form as
 * `children`, which then stands for the message and for "Try again" (a reload would lose it).
 */
export function ErrorPage({ error, children }: Props) {
  const rootData = useRouteLoaderData('root') as { requestId?: string } | undefined
  const { pathname, search } = useLocation()
  const { status, title, message } = describe(error)
  // The failing request's id: the one its error carries, else the root loader's, which runs in
  // the same request as any other loader (app/README.md, "Error pages know their request").
  const carried = isRouteErrorResponse(error)
    ? (error.data as { requestId?: unknown } | null)?.requestId
    : undefined
  const requestId = typeof carried === 'string' ? carried : rootData?.requestId
  // "Try again" loads the failing address again; on `/` that is where "Back" goes, so it is the one.
  const retry = status >= 500 && !children
  const here = `${pathname}${search}`
  const stack = import.meta.env.DEV && error instanceof Error ? error.stack : undefined
  return (
    <main className="mx-auto max-w-xl px-4 py-16" aria-labelledby="error-title">
      <h1 id="error-title" tabIndex={-1} className="text-2xl font-semibold focus:outline-none">
        {title}
      </h1>
      {children ?? (
        <p className="mt-4 text-gray-700 dark:text-gray-300" role="alert">
          {message}
        </p>
      )}
      {requestId && (
        <p className="mt-4 text-sm text-gray-700 dark:text-gray-300">
          If you report this, give this id: <code data-testid="request-id">{requestId}</code>
        </p>
      )}
      {stack && <pre className="mt-4 overflow-x-auto text-xs">{stack}</pre>}
      <p className="mt-8 flex flex-wrap gap-4">
        {retry && (
          <a className="underline underline-offset-2" href={here}>
            Try again
          </a>
        )}
        {!(retry && here === '/') && (
          <a className="underline underline-offset-2" href="/">
            Back to Quotebook
          </a>
        )}
      </p>
    </main>
  )
}
