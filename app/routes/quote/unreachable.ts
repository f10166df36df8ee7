import { isRouteErrorResponse } from 'react-router'
import { NOT_TAKEN, UNREACHABLE } from './messages'
import { refuse } from './quote-view'

/**
 * With JavaScript, a change that never gets an answer it can read (the network is down, or
 * something between answered with an error page) stays on its page with the typed text and a
 * message, instead of becoming the error page. Redirects and the action's own answers pass
 * through unchanged. Each action's `clientAction` is this.
 */
export async function answeredOrKept<Answer>(
  change: 'save' | 'delete',
  { request, serverAction }: { request: Request; serverAction: () => Promise<Answer> },
) {
  const form = await request.clone().formData()
  try {
    return await serverAction()
  } catch (error) {
    if (error instanceof Response) throw error
    // The server's own words when it sent some (a 503 on a delete); else, if it answered at all,
    // that it could not take the change; else that it could not be reached.
    const message = isRouteErrorResponse(error)
      ? ((error.data as { message?: string } | null)?.message ?? NOT_TAKEN[change])
      : UNREACHABLE[change]
    // 503, like the server's own refusal when it cannot reach the database.
    if (change === 'delete') return refuse({ change, error: message }, 503)
    const typed = form.get('quote')
    const version = form.get('version')
    return refuse(
      {
        change,
        error: message,
        typed: typeof typed === 'string' ? typed : '',
        basedOn: typeof version === 'string' ? version : '',
      },
      503,
    )
  }
}
