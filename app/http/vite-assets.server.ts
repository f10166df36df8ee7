import type { IncomingMessage, ServerResponse } from 'node:http'
import { appHeaderList } from './app-headers.server'
import type { RequestIdentity } from './request-context.server'

/**
 * In development the browser's files (modules as Vite transforms them, its client, the public
 * folder) come from Vite's middlewares instead of the build. What they answer carries the app's
 * headers too; what they pass on goes the production way, to React Router.
 */

/** Vite's middlewares, as Connect calls them (the type is Vite's; http/ does not import it). */
export type ConnectMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

/** Whether Vite answered the request; false when it passed it on. */
export function viteAnswered(
  middlewares: ConnectMiddleware,
  req: IncomingMessage,
  res: ServerResponse,
  identity: RequestIdentity,
): Promise<boolean> {
  const headers = appHeaderList(identity)
  for (let index = 0; index < headers.length; index += 2) {
    res.setHeader(headers[index]!, headers[index + 1]!)
  }
  return new Promise((resolve, reject) => {
    res.once('close', () => resolve(true))
    middlewares(req, res, (error) => {
      if (error !== undefined) return reject(error)
      // The answer that follows writes its own headers, as in production.
      for (const name of res.getHeaderNames()) res.removeHeader(name)
      resolve(false)
    })
  })
}
