import { useEffect, useRef, useState } from 'react'
import {
  data,
  Outlet,
  type ShouldRevalidateFunctionArgs,
  unstable_useRoute as useRoute,
  useLocation,
} from 'react-router'
import { requireUser } from '../../auth/session-user.server'
import { ErrorPage, errorTitle } from '../../components/error-page'
import { requestDeadline } from '../../db/client.server'
import { databaseFailure } from '../../db/errors.server'
import { getQuoteForUser } from '../../db/user-messages.server'
import { pageError } from '../../http/route-error.server'
import { carriedOverFor } from './carried-over.server'
import { titles } from './messages'
import { QuoteForm } from './quote-form'
import { type QuotePage, usePendingChange } from './quote-page'
import { quoteFrame, type Refusal } from './quote-view'
import type { Route } from './+types/layout'

/**
 * The quote's pages (`/`, `/edit`, `/delete`) share this layout: it loads the user's quote and
 * what the last change carried over, once, and moving between its pages does not load them again.
 */
export function meta({ error }: Route.MetaArgs): Route.MetaDescriptors {
  return [{ title: error ? errorTitle(error) : titles.show }]
}

export async function loader(args: Route.LoaderArgs) {
  const user = await requireUser(args)
  let quote
  try {
    quote = await getQuoteForUser(user, requestDeadline(args))
  } catch (error) {
    const { status } = databaseFailure(error, args, 'read')
    throw pageError(args, status)
  }
  const { draft, status, headers } = await carriedOverFor(args.request, user.id)
  return data({ quote, draft, status }, { headers })
}

export function shouldRevalidate(args: ShouldRevalidateFunctionArgs) {
  // A move between pages keeps this data, as React Router's default does; said here because
  // <Link prefetch> asks with the default forced to true, and would fetch it for every link.
  if (args.formMethod === undefined && args.currentUrl.pathname !== args.nextUrl.pathname) {
    return false
  }
  // Refused because the quote changed elsewhere: the page's quote is what is out of date.
  if (args.actionStatus === 409) return true
  return args.defaultShouldRevalidate
}

/** Pages under this layout focus themselves; the root leaves focus alone between them. */
export const handle = { focusesItself: true }

export default function QuoteLayout({ loaderData }: Route.ComponentProps) {
  const location = useLocation()
  const status = useOnceStatus(loaderData, location.key)
  const heading = useRef<HTMLHeadingElement>(null)
  const lastView = useRef<string | null>(null)
  const frame = quoteFrame({ quote: loaderData.quote, status, pending: usePendingChange() })
  useEffect(() => {
    // After a change, the page's heading, so the new state is read from the top.
    if (status) heading.current?.focus()
  }, [status])
  const page: QuotePage = {
    quote: loaderData.quote,
    draft: loaderData.draft,
    headingRef: heading,
    lastViewRef: lastView,
  }

  return (
    <main className="mx-auto flex w-full max-w-2xl flex-col items-center px-4 py-8 text-center sm:py-12">
      {/* The site's name is in the header; the page's heading is the guide's subtitle, which
          says where the user is: with a quote or without one. */}
      <h1
        ref={heading}
        tabIndex={-1}
        className="text-2xl font-semibold tracking-tight focus:outline-none sm:text-3xl"
      >
        {frame.hasQuote ? 'Your quote is wonderful...' : 'Save an inspiring quote for yourself...'}
      </h1>
      <div role="status" aria-live="polite" className="mt-4 min-h-6 text-sm font-medium">
        <span className={frame.announcementShownElsewhere ? 'sr-only' : undefined}>
          {frame.announcement}
        </span>
      </div>
      <Outlet context={page} />
    </main>
  )
}

/**
 * The status of the last change, for the page it was loaded with only: moving to another page
 * and back (which asks the server nothing) does not announce it again.
 */
function useOnceStatus(loaderData: Route.ComponentProps['loaderData'], locationKey: string) {
  // React's pattern for state that follows a prop: which page the data came with, and whether
  // the user has left that page since (Back to it restores its key, but not the news).
  const [shown, setShown] = useState({ data: loaderData, key: locationKey, spent: false })
  let current = shown
  if (shown.data !== loaderData) current = { data: loaderData, key: locationKey, spent: false }
  else if (!shown.spent && shown.key !== locationKey) current = { ...shown, spent: true }
  if (current !== shown) setShown(current)
  return !current.spent && current.key === locationKey ? loaderData.status : null
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  // A save refused because the database is down is followed by a page load that fails too; the
  // text the user sent is still in the save's action data, so the error page offers it again.
  // The one hook that reads a child's action data (unstable in React Router 8); the outage e2e
  // test fails if it stops giving the text back.
  const refused = useRoute('routes/quote/edit')?.actionData as Refusal | undefined
  const kept = refused?.change === 'save' ? refused : undefined
  return (
    <ErrorPage error={error}>
      {kept ? (
        <QuoteForm
          initialText={kept.typed}
          basedOn={kept.basedOn}
          error={kept.error}
          // The refusal knows whether the text replaced a quote: an edit stays an edit.
          mode={kept.basedOn === '' ? 'create' : 'edit'}
        />
      ) : undefined}
    </ErrorPage>
  )
}
