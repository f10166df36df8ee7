import { createRequestHandler, RouterContextProvider, type ServerBuild } from 'react-router'
import { env } from '../env.server'
import { plainHeaderList, routerHeaderList } from './app-headers.server'
import { CROSS_SITE_REFUSAL, isCrossSiteWrite } from './incoming.server'
import { logLine, requestInScope } from './log.server'
import {
  appOrigin,
  newRequestIdentity,
  type RequestIdentity,
  requestIdentityContext,
} from './request-context.server'

/**
 * The app's answer to a web request: React Router's, with the request's identity in its context.
 * Node's server (answer.server.ts) calls it after its own refusals; `webAnswer` wraps it for a
 * caller with a web Request only (the integration tests), with the same refusal and headers.
 */

/** The build, or in development a function that loads it afresh for each request. */
export type BuildSource = ServerBuild | (() => Promise<ServerBuild>)

export type RouterAnswer = (request: Request, identity: RequestIdentity) => Promise<Response>

export function routerAnswer(build: BuildSource): RouterAnswer {
  const handle = createRequestHandler(build, env.NODE_ENV)
  return async (request, identity) => {
    const context = new RouterContextProvider()
    context.set(requestIdentityContext, identity)
    const response = await requestInScope.run(identity.id, () => handle(request, context))
    // What the client is no longer told (x-clerk-auth-reason), the log says, for diagnosis: why
    // a session the request carried was refused (a request without one needs no line).
    const clerkReason = response.headers.get('x-clerk-auth-reason')
    if (clerkReason !== null && carriesSession(request.headers)) {
      logLine('debug', {
        requestId: identity.id,
        message: 'session not accepted by Clerk',
        clerkAuthStatus: response.headers.get('x-clerk-auth-status'),
        clerkAuthReason: clerkReason,
      })
    }
    return response
  }
}

const carriesSession = (headers: Headers) =>
  headers.has('Authorization') || /(?:^|;)\s*__session/.test(headers.get('Cookie') ?? '')

/**
 * What the Node server answers once a request has passed its Node-level refusals (method, address,
 * Host): a new identity, the cross-site refusal, React Router, the app's headers.
 */
export function webAnswer(answer: RouterAnswer): (request: Request) => Promise<Response> {
  return async (request) => {
    const identity = newRequestIdentity()
    if (isCrossSiteWrite(request.method, request.headers, appOrigin(request))) {
      const headers = headersOf(plainHeaderList(403, CROSS_SITE_REFUSAL, identity))
      return new Response(CROSS_SITE_REFUSAL, { status: 403, headers })
    }
    const response = await answer(request, identity)
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: headersOf(routerHeaderList(response, identity, false)),
    })
  }
}

function headersOf(list: string[]): Headers {
  const headers = new Headers()
  for (let index = 0; index < list.length; index += 2)
    headers.append(list[index]!, list[index + 1]!)
  return headers
}
