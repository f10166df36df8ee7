import { redirect } from 'react-router'
import { requireUser } from '../../auth/session-user.server'
import { errorTitle } from '../../components/error-page'
import { requestDeadline } from '../../db/client.server'
import { databaseFailure } from '../../db/errors.server'
import { deleteQuote } from '../../db/user-messages.server'
import { readFields } from '../../http/form.server'
import { pageError, routeError } from '../../http/route-error.server'
import { afterChange } from './carried-over.server'
import { CHANGED_ELSEWHERE, titles, UNKNOWN_FORM } from './messages'
import { QuoteScreen } from './quote-page'
import { parseDelete } from './quote-schema'
import { refuse } from './quote-view'
import { answeredOrKept } from './unreachable'
import type { Route } from './+types/delete'

export function meta({ error }: Route.MetaArgs): Route.MetaDescriptors {
  return [{ title: error ? errorTitle(error) : titles.delete }]
}

/**
 * Deletes the quote if it is still the version the page showed. A database failure is the error
 * page, which says whether it may have happened; a quote changed elsewhere is asked about again.
 */
export async function action(args: Route.ActionArgs) {
  const { request } = args
  const form = parseDelete(await readFields(request))
  const user = await requireUser(args, {
    // The sign-in page says why the user is there; a link could not set this cookie.
    signedOut: () => afterChange(request, 'not-deleted', { forgetDraft: false }),
    // A delete that found the session ended asks again once the user is back.
    returnTo: '/delete',
  })
  if (!form.success) throw routeError(400, UNKNOWN_FORM)
  let deleted
  try {
    deleted = await deleteQuote(user, form.data.version, requestDeadline(args))
  } catch (error) {
    const failure = databaseFailure(error, args, 'deleted')
    throw pageError(args, failure.status, { message: failure.message })
  }
  if (!deleted.made) {
    return refuse(
      { change: 'delete', error: CHANGED_ELSEWHERE.delete, newer: deleted.current },
      409,
    )
  }
  const headers = await afterChange(request, 'deleted', { forgetDraft: false })
  return redirect('/', { status: 303, headers })
}

export const clientAction = (args: Route.ClientActionArgs) => answeredOrKept('delete', args)

export default function Delete({ actionData }: Route.ComponentProps) {
  return <QuoteScreen requested="confirm-delete" refused={actionData} />
}
