import { randomBytes, randomUUID } from 'node:crypto'
import { createContext, type RouterContextProvider } from 'react-router'

/**
 * What the app knows of a request before any route runs: its id, which is in the `X-Request-Id`
 * response header, in every log line about the request and on any error page, so a user's report
 * finds its log entry; and the CSP nonce of the page it renders. Made once per request by the
 * production server (http/node-server.server.ts), or by the `frontDoor` middleware where there
 * is no such server, and handed to React Router in the request context.
 */
export interface RequestIdentity {
  id: string
  nonce: string
}

export const requestIdentityContext = createContext<RequestIdentity | null>(null)

export const newRequestIdentity = (): RequestIdentity => ({
  id: randomUUID(),
  nonce: randomBytes(16).toString('base64'),
})

export const requestIdOf = (context: Readonly<RouterContextProvider>) =>
  context.get(requestIdentityContext)?.id ?? 'unknown'

export const nonceOf = (context: Readonly<RouterContextProvider>) =>
  context.get(requestIdentityContext)?.nonce ?? ''
