import { useEffect, useRef } from 'react'
import { data, Form, Link, redirect, useActionData, useNavigation } from 'react-router'
import { endedSessionUserId, requireUserId } from '../auth/session.server'
import { dangerButton, primaryButton, secondaryButton } from '../components/button-styles'
import { ErrorPage } from '../components/error-page'
import { QuoteForm } from '../components/quote-form'
import { requestDeadline } from '../db/client.server'
import {
  type Change,
  changeFailure,
  expectedDatabaseFailure,
  UNAVAILABLE,
} from '../db/errors.server'
import { deleteQuote, getQuoteForUser, saveQuote } from '../db/user-messages.server'
import {
  consumedCookies,
  draftCookie,
  draftFor,
  readStatus,
  statusCookie,
} from '../http/cookies.server'
import { readForm } from '../http/form.server'
import { requestIdOf } from '../http/request-id.server'
import { checkQuote } from '../quotes/quote-form'
import type { Route } from './+types/home'

export function meta(): Route.MetaDescriptors {
  return [{ title: 'Quotebook' }]
}

export async function loader(args: Route.LoaderArgs) {
  const userId = await requireUserId(args)
  const quote = await unlessUnavailable(args, getQuoteForUser(userId, requestDeadline(args)))
  const { request } = args
  const search = new URL(request.url).searchParams
  const view = search.has('edit') ? 'edit' : search.has('delete') ? 'confirm-delete' : 'show'
  const headers = new Headers()
  for (const cookie of consumedCookies(request)) headers.append('Set-Cookie', cookie)
  return data(
    {
      quote: quote && { text: quote.text },
      view,
      draft: await draftFor(request, userId),
      status: readStatus(request),
    },
    { headers },
  )
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  const form = await readForm(request)
  const intents = form.getAll('intent')
  const intent = intents.length === 1 ? intents[0] : undefined // two intents: neither is obeyed
  const quotes = form.getAll('quote')
  // Signed out mid-edit (a session that expired while the page was open): keep what was typed,
  // for the user whose session it was.
  const typed = intent === 'save' && typeof quotes[0] === 'string' ? quotes[0] : ''
  const userId = await requireUserId(args, {
    signedOut: async () => {
      if (typed === '') return undefined
      const user = await endedSessionUserId(request)
      return { 'Set-Cookie': await draftCookie(request, { user, text: typed }) }
    },
  })
  switch (intent) {
    case 'save': {
      const checked =
        quotes.length === 1 ? checkQuote(quotes[0]) : { error: 'Send one quote at a time.' }
      if (checked.error !== undefined) return data({ error: checked.error, typed }, { status: 400 })
      const saved = saveQuote(userId, checked.quote, requestDeadline(args))
      const failure = await failureOf(args, saved, 'saved')
      if (failure) return data({ error: failure.message, typed }, { status: failure.status })
      return redirect('/', {
        status: 303,
        headers: { 'Set-Cookie': statusCookie(request, 'saved') },
      })
    }
    case 'delete': {
      const failure = await failureOf(args, deleteQuote(userId, requestDeadline(args)), 'deleted')
      if (failure) {
        throw data(
          { message: failure.message, requestId: requestIdOf(args.context) },
          { status: failure.status },
        )
      }
      return redirect('/', {
        status: 303,
        headers: { 'Set-Cookie': statusCookie(request, 'deleted') },
      })
    }
    default:
      throw data('That form asked for something this page does not do.', { status: 400 })
  }
}

/** Null once the change is made; else why not, as a status and a message (logged). */
async function failureOf(args: Route.ActionArgs, work: Promise<void>, change: Change) {
  try {
    await work
    return null
  } catch (error) {
    return changeFailure(error, args, change)
  }
}

async function unlessUnavailable<T>(args: Route.LoaderArgs, work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    expectedDatabaseFailure(error, args, [503])
    throw data({ message: UNAVAILABLE, requestId: requestIdOf(args.context) }, { status: 503 })
  }
}

const statusMessages = {
  saved: 'Your quote was saved.',
  deleted: 'Your quote was deleted.',
} as const

export default function Home({ loaderData, actionData }: Route.ComponentProps) {
  const { view, draft, status } = loaderData
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // After a change, move focus to the page's heading so the new state is read from the top.
    if (status) heading.current?.focus()
  }, [status])

  // With JavaScript, show the change before the server confirms it; if it fails, the action's
  // answer brings back the saved quote and the form with its message.
  const pending = usePendingChange()
  const quote =
    pending === undefined ? loaderData.quote : pending === null ? null : { text: pending }
  const announcement =
    pending !== undefined
      ? pending === null
        ? 'Deleting…'
        : 'Saving…'
      : status && !actionData
        ? statusMessages[status]
        : null

  // What the form starts with: the text just refused, a draft kept across a sign-in, the quote.
  const editing =
    pending === undefined &&
    (actionData !== undefined || draft !== null || view === 'edit' || quote === null)
  const formText = actionData?.typed ?? draft ?? quote?.text ?? ''

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
        {quote ? 'Your quote is wonderful...' : 'Save an inspiring quote for yourself...'}
      </p>
      <div role="status" aria-live="polite" className="mt-4 min-h-6 text-sm font-medium">
        {announcement}
      </div>
      {draft !== null && !actionData && pending === undefined && (
        <p className="mt-2 rounded-md border border-amber-600 bg-amber-50 px-4 py-3 text-left text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-100">
          You were signed out before your quote was saved. Check it below, then save it.
        </p>
      )}
      {view === 'confirm-delete' && quote && !actionData && pending === undefined ? (
        <DeleteConfirmation text={quote.text} />
      ) : editing || quote === null ? (
        <QuoteForm
          key={`${view}:${formText}`}
          initialText={pending === null ? '' : formText}
          error={actionData?.error}
          mode={quote ? 'edit' : 'create'}
        />
      ) : (
        <SavedQuote text={quote.text} saving={pending !== undefined} />
      )}
    </main>
  )
}

/**
 * The change being submitted: the cleaned text of a save, null for a delete, undefined when
 * nothing is in flight (or the text would be refused anyway).
 */
function usePendingChange(): string | null | undefined {
  const { formData } = useNavigation()
  const intent = formData?.get('intent')
  if (intent === 'delete') return null
  if (intent !== 'save') return undefined
  const checked = checkQuote(formData?.get('quote'))
  return checked.error === undefined ? checked.quote : undefined
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
