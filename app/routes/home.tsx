import { useEffect, useRef } from 'react'
import { data, Form, Link, redirect, useActionData, useNavigation } from 'react-router'
import { endedSessionUserId, requireUserId } from '../auth/session.server'
import { dangerButton, primaryButton, secondaryButton } from '../components/button-styles'
import { ErrorPage } from '../components/error-page'
import { QuoteForm } from '../components/quote-form'
import { requestDeadline } from '../db/client.server'
import { databaseFailure } from '../db/errors.server'
import { deleteQuote, getQuoteForUser, saveQuote } from '../db/user-messages.server'
import { readFields } from '../http/form.server'
import { carriedOver, draftCookie, statusCookie } from '../quotes/carried-over.server'
import { type HomeState, homeScreen, type PendingChange } from '../quotes/home-view'
import { checkQuote, quoteChange } from '../quotes/quote-schema'
import type { Route } from './+types/home'

export function meta(): Route.MetaDescriptors {
  return [{ title: 'Quotebook' }]
}

export async function loader(args: Route.LoaderArgs) {
  const userId = await requireUserId(args)
  let quote
  try {
    quote = await getQuoteForUser(userId, requestDeadline(args))
  } catch (error) {
    throw data(null, { status: databaseFailure(error, args, 'read').status })
  }
  const { request } = args
  const search = new URL(request.url).searchParams
  const view: HomeState['requested'] = search.has('edit')
    ? 'edit'
    : search.has('delete')
      ? 'confirm-delete'
      : 'show'
  const { draft, status, headers } = await carriedOver(request, userId)
  return data(
    // Only what the page shows reaches the browser.
    { quote: quote && { text: quote.text }, view, draft, status },
    { headers },
  )
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  const fields = await readFields(request)
  const change = quoteChange.safeParse(fields)
  const userId = await requireUserId(args, {
    // Signed out mid-edit (a session that expired while the page was open): keep what was
    // typed, for the user whose session it was.
    signedOut: async () => {
      if (fields.intent !== 'save' || !fields.quote) return undefined
      const user = await endedSessionUserId(request)
      return { 'Set-Cookie': await draftCookie(request, { user, text: fields.quote }) }
    },
  })
  if (!change.success) {
    const issue = change.error.issues[0]
    if (fields.intent !== 'save' || issue?.path[0] !== 'quote') {
      throw data('That form asked for something this page does not do.', { status: 400 })
    }
    return data({ error: issue.message, typed: fields.quote ?? '' }, { status: 400 })
  }
  switch (change.data.intent) {
    case 'save':
      return save(args, userId, change.data.quote, fields.quote!)
    case 'delete':
      return remove(args, userId)
  }
}

/** Saves the quote; on failure the page answers with the typed text and why. */
async function save(args: Route.ActionArgs, userId: string, quote: string, typed: string) {
  try {
    await saveQuote(userId, quote, requestDeadline(args))
  } catch (error) {
    const failure = databaseFailure(error, args, 'saved')
    return data({ error: failure.message, typed }, { status: failure.status })
  }
  return redirect('/', {
    status: 303,
    headers: { 'Set-Cookie': statusCookie(args.request, 'saved') },
  })
}

/** Deletes the quote; a failure is the error page, which says whether it may have happened. */
async function remove(args: Route.ActionArgs, userId: string) {
  try {
    await deleteQuote(userId, requestDeadline(args))
  } catch (error) {
    const failure = databaseFailure(error, args, 'deleted')
    throw data({ message: failure.message }, { status: failure.status })
  }
  return redirect('/', {
    status: 303,
    headers: { 'Set-Cookie': statusCookie(args.request, 'deleted') },
  })
}

export default function Home({ loaderData, actionData }: Route.ComponentProps) {
  const { view: requested, draft, status } = loaderData
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // After a change, move focus to the page's heading so the new state is read from the top.
    if (status) heading.current?.focus()
  }, [status])
  const screen = homeScreen({
    quote: loaderData.quote,
    requested,
    draft,
    status,
    refused: actionData,
    pending: usePendingChange(),
  })
  const { view } = screen

  return (
    <main className="mx-auto flex w-full max-w-2xl flex-col items-center px-4 py-12 text-center">
      <h1
        ref={heading}
        tabIndex={-1}
        className="text-4xl font-bold tracking-tight focus:outline-none"
      >
        Quotebook
      </h1>
      <p className="mt-3 text-lg text-gray-700 dark:text-gray-300">
        {screen.hasQuote ? 'Your quote is wonderful...' : 'Save an inspiring quote for yourself...'}
      </p>
      <div role="status" aria-live="polite" className="mt-4 min-h-6 text-sm font-medium">
        {screen.announcement}
      </div>
      {screen.draftNotice && (
        <p className="mt-2 rounded-md border border-amber-600 bg-amber-50 px-4 py-3 text-left text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100">
          You were signed out before your quote was saved. Check it below, then save it.
        </p>
      )}
      {view.kind === 'confirm-delete' ? (
        <DeleteConfirmation text={view.text} />
      ) : view.kind === 'form' ? (
        <QuoteForm
          key={`${requested}:${view.text}`}
          initialText={view.text}
          error={view.error}
          mode={view.mode}
        />
      ) : (
        <SavedQuote text={view.text} saving={view.saving} />
      )}
    </main>
  )
}

/** The change being submitted with JavaScript, unless the text would be refused anyway. */
function usePendingChange(): PendingChange {
  const { formData } = useNavigation()
  const intent = formData?.get('intent')
  if (intent === 'delete') return { kind: 'deleting' }
  if (intent !== 'save') return null
  const checked = checkQuote(formData?.get('quote'))
  return checked.error === undefined ? { kind: 'saving', text: checked.quote } : null
}

function SavedQuote({ text, saving }: { text: string; saving: boolean }) {
  return (
    <>
      <blockquote
        aria-busy={saving || undefined}
        className="mt-6 w-full text-3xl leading-snug font-semibold break-words whitespace-pre-line sm:text-4xl"
      >
        {text}
      </blockquote>
      <div className="mt-8 flex flex-wrap justify-center gap-3">
        {saving ? (
          <button type="button" className={primaryButton} disabled>
            Saving…
          </button>
        ) : (
          <>
            <Link to="/?edit" className={primaryButton}>
              Edit
            </Link>
            <Link to="/?delete" className={secondaryButton}>
              Delete Quote
            </Link>
          </>
        )}
      </div>
    </>
  )
}

function DeleteConfirmation({ text }: { text: string }) {
  return (
    <section aria-labelledby="confirm-delete" className="mt-6 w-full">
      <h2 id="confirm-delete" className="text-xl font-semibold">
        Delete your quote?
      </h2>
      <blockquote className="mt-4 text-lg break-words whitespace-pre-line text-gray-700 dark:text-gray-300">
        {text}
      </blockquote>
      <Form method="post" action="/?index" className="mt-6 flex flex-wrap justify-center gap-3">
        <input type="hidden" name="intent" value="delete" />
        <button type="submit" className={dangerButton} autoFocus>
          Yes, delete it
        </button>
        <Link to="/" className={secondaryButton}>
          Keep it
        </Link>
      </Form>
    </section>
  )
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  // A save refused because the database is down is followed by a page load that fails too; the
  // text the user sent is still in the action's data, so the error page offers it again.
  const refused = useActionData<typeof action>()
  return (
    <ErrorPage error={error}>
      {refused?.typed !== undefined && (
        <QuoteForm initialText={refused.typed} error={refused.error} mode="create" />
      )}
    </ErrorPage>
  )
}
