import { randomUUID } from 'node:crypto'
import { createContext, type MiddlewareFunction, type RouterContextProvider } from 'react-router'

/**
 * Every request gets an id: it is in the `X-Request-Id` response header, in every log line about
 * the request, and on any error page, so a user's report finds its log entry.
 */
export const requestIdContext = createContext<string>('unknown')

export const assignRequestId: MiddlewareFunction<Response> = async ({ context }, next) => {
  const id = randomUUID()
  context.set(requestIdContext, id)
  const response = await next()
  response.headers.set('X-Request-Id', id)
  return response
}

export const requestIdOf = (context: Readonly<RouterContextProvider>) =>
  context.get(requestIdContext)

/** Logs a server-side error as one JSON line, under the request's id. */
export function logError(
  context: Readonly<RouterContextProvider>,
  request: Request,
  message: string,
  error: unknown,
) {
  console.error(
    JSON.stringify({
      level: 'error',
      requestId: requestIdOf(context),
      method: request.method,
      path: new URL(request.url).pathname,
      message,
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    }),
  )
}
