import { redirect } from 'react-router'
import { endedSessionUserId } from '../../auth/ended-session.server'
import { requireUser } from '../../auth/session-user.server'
import { errorTitle } from '../../components/error-page'
import { requestDeadline } from '../../db/client.server'
import { databaseFailure } from '../../db/errors.server'
import { saveQuote } from '../../db/user-messages.server'
import { readFields } from '../../http/form.server'
import { afterChange, keepDraft } from './carried-over.server'
import { CHANGED_ELSEWHERE, OUT_OF_DATE_FORM, titles } from './messages'
import { QuoteScreen } from './quote-page'
import { parseSave, versionOrNone } from './quote-schema'
import { refuse } from './quote-view'
import { answeredOrKept } from './unreachable'
import type { Route } from './+types/edit'

export function meta({ error }: Route.MetaArgs): Route.MetaDescriptors {
  return [{ title: error ? errorTitle(error) : titles.edit }]
}

/**
 * Saves the quote if it is still the version the form was based on. On any failure the page
 * answers with the typed text and why; when the quote changed elsewhere, with the quote as it now
 * is too (409), so the user chooses.
 */
export async function action(args: Route.ActionArgs) {
  const { request } = args
  const fields = await readFields(request)
  const form = parseSave(fields)
  const typed = fields.quote ?? ''
  const user = await requireUser(args, {
    // Signed out mid-edit (a session that expired while the page was open): keep what was
    // typed, for the user whose session it was, and offer it on the quote's page.
    signedOut: async () => {
      if (!typed) return undefined
      const user = await endedSessionUserId(request)
      return keepDraft(request, { user, text: typed, basedOn: versionOrNone(fields.version) })
    },
    returnTo: '/',
  })
  if (!form.success) {
    // A version no page of ours wrote: keep the text, and base the next save on no version, so
    // a quote saved meanwhile is shown before it is replaced.
    const issue = form.error.issues[0]!
    const error = issue.path[0] === 'version' ? OUT_OF_DATE_FORM : issue.message
    return refuse({ change: 'save', error, typed, basedOn: versionOrNone(fields.version) }, 400)
  }
  const { quote, basedOn } = form.data
  let saved
  try {
    saved = await saveQuote(user, quote, basedOn, requestDeadline(args))
  } catch (error) {
    const failure = databaseFailure(error, args, 'saved')
    return refuse(
      { change: 'save', error: failure.message, typed, basedOn: basedOn ?? '' },
      failure.status,
    )
  }
  // The same text already saved (a second click, or a retry after a save that did commit): done.
  if (!saved.made && saved.current?.text !== quote) {
    const { current } = saved
    const error = current ? CHANGED_ELSEWHERE.save : CHANGED_ELSEWHERE.saveDeleted
    const basedOnNow = current?.version ?? ''
    return refuse({ change: 'save', error, typed, basedOn: basedOnNow, newer: current }, 409)
  }
  const headers = await afterChange(request, 'saved', { forgetDraft: true })
  return redirect('/', { status: 303, headers })
}

export const clientAction = (args: Route.ClientActionArgs) => answeredOrKept('save', args)

export default function Edit({ actionData }: Route.ComponentProps) {
  return <QuoteScreen requested="edit" refused={actionData} />
}
