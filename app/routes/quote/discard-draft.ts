import { redirect } from 'react-router'
import { requireUser } from '../../auth/session-user.server'
import { resourceError } from '../../http/route-error.server'
import { afterChange } from './carried-over.server'
import type { Route } from './+types/discard-draft'

/** Forgets the draft kept from a session that ended, and goes back to the quote. */
export async function action(args: Route.ActionArgs) {
  await requireUser(args)
  const headers = await afterChange(args.request, null, { forgetDraft: true })
  return redirect('/', { status: 303, headers })
}

// A form's address, not a page.
export function loader() {
  return resourceError(404)
}
