import { redirect } from 'react-router'
import { errorTitle } from '../../components/error-page'
import { readFields } from '../../http/form.server'
import { routeError } from '../../http/route-error.server'
import { titles, UNKNOWN_FORM } from './messages'
import { QuoteScreen } from './quote-page'
import type { Route } from './+types/show'

export function meta({ error }: Route.MetaArgs): Route.MetaDescriptors {
  return [{ title: error ? errorTitle(error) : titles.show }]
}

/**
 * The pages' old addresses, `/?edit` and `/?delete`, moved for good: 301, before any loader runs,
 * so the move costs no database work.
 */
export const middleware: Route.MiddlewareFunction[] = [
  ({ request }) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return
    const { searchParams } = new URL(request.url)
    if (searchParams.has('edit')) throw redirect('/edit', 301)
    if (searchParams.has('delete')) throw redirect('/delete', 301)
  },
]

// Where a form posted to the old address `/?index` now goes, by its `intent`.
const movedForms = new Map([
  ['save', '/edit'],
  ['delete', '/delete'],
  ['discard-draft', '/draft/discard'],
])

/**
 * A form from a page that still posts to `/?index` (open in a tab, without JavaScript): 307 sends the
 * browser to post the same form again to its new address, so nothing typed is lost. Temporary,
 * not 308: where it goes depends on the form, not on the address alone.
 */
export async function action({ request }: Route.ActionArgs) {
  const { intent } = await readFields(request)
  const target = intent === undefined ? undefined : movedForms.get(intent)
  if (target === undefined) throw routeError(400, UNKNOWN_FORM)
  return redirect(target, 307)
}

export default function Show() {
  return <QuoteScreen requested="show" />
}
