import { useEffect, useRef, useState } from 'react'
import {
  data,
  Form,
  isRouteErrorResponse,
  Link,
  redirect,
  type ShouldRevalidateFunctionArgs,
  useActionData,
  useLocation,
  useNavigation,
} from 'react-router'
import { endedSessionUserId } from '../auth/ended-session.server'
import { requireUserId } from '../auth/session-user.server'
import { dangerButton, primaryButton, secondaryButton } from '../components/button-styles'
import { ErrorPage, errorTitle } from '../components/error-page'
import { QuoteForm } from '../components/quote-form'
import { requestDeadline } from '../db/client.server'
import { databaseFailure } from '../db/errors.server'
import { deleteQuote, getQuoteForUser, saveQuote } from '../db/user-messages.server'
import { readFields } from '../http/form.server'
import { withCookies } from '../http/cookies.server'
import { carriedOver, clearedDraft, draftCookie, statusCookie } from '../quotes/carried-over.server'
import {
  homeScreen,
  keepsData,
  type PendingChange,
  type Refusal,
  requestedView,
} from '../quotes/home-view'
import { checkQuote, parseQuoteChange, versionOrNone } from '../quotes/quote-schema'
import { routeError } from '../http/route-error.server'
import type { Route } from './+types/home'

const titles = {
  show: 'Quotebook',
  edit: 'Edit your quote · Quotebook',
  'confirm-delete': 'Delete your quote? · Quotebook',
}

export function meta({ location, error }: Route.MetaArgs): Route.MetaDescriptors {
  if (error) return [{ title: errorTitle(error) }]
  return [{ title: titles[requestedView(new URLSearchParams(location.search))] }]
}

export async function loader(args: Route.LoaderArgs) {
  const userId = await requireUserId(args)
  let quote
  try {
    quote = await getQuoteForUser(userId, requestDeadline(args))
  } catch (error) {
    throw routeError(databaseFailure(error, args, 'read').status)
  }
  const { draft, status, headers } = await carriedOver(args.request, userId)
  return data({ quote, draft, status }, { headers })
}

// Moving between the page's views, or a change that never reached the server, asks the server
// nothing: the page keeps working offline (see the root route too).
export function shouldRevalidate(args: ShouldRevalidateFunctionArgs) {
  if (keepsData(args)) return false
  // Refused because the quote changed elsewhere: the page's data is what is out of date.
  if (args.actionStatus === 409) return true
  return args.defaultShouldRevalidate
}

const OUT_OF_DATE_FORM = 'This form was out of date. Check your quote, then save it again.'

const CHANGED_ELSEWHERE = {
  save: 'Your quote was changed in another tab or window after you started editing. It now reads as shown above. Your text is below: save it to replace that one, or cancel to keep it.',
  saveDeleted:
    'Your quote was deleted in another tab or window after you started editing. Your text is below: save it to keep it, or leave this page.',
  delete:
    'Your quote was changed in another tab or window since this page was loaded. Here it is now: delete it?',
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  const fields = await readFields(request)
  const change = parseQuoteChange(fields)
  const userId = await requireUserId(args, {
    // Signed out mid-edit (a session that expired while the page was open): keep what was
    // typed, for the user whose session it was.
    signedOut: async () => {
      // The sign-in page says why the user is there; a link could not set this cookie.
      if (fields.intent === 'delete') return { 'Set-Cookie': statusCookie(request, 'not-deleted') }
      if (fields.intent !== 'save' || !fields.quote) return undefined
      const user = await endedSessionUserId(request)
      const basedOn = versionOrNone(fields.version)
      return { 'Set-Cookie': await draftCookie(request, { user, text: fields.quote, basedOn }) }
    },
    // A delete that found the session ended asks again once the user is back.
    returnTo: fields.intent === 'delete' ? '/?delete' : undefined,
  })
  if (!change.success) {
    const issue = change.error.issues[0]
    const field = issue?.path[0]
    if (fields.intent !== 'save' || (field !== 'quote' && field !== 'version')) {
      throw routeError(400, 'That form asked for something this page does not do.')
    }
    // A version no page of ours wrote: keep the text, and base the next save on no version, so
    // a quote saved meanwhile is shown before it is replaced.
    const badVersion = field === 'version'
    const refusal: Refusal = {
      intent: 'save',
      error: badVersion ? OUT_OF_DATE_FORM : issue!.message,
      typed: fields.quote ?? '',
      basedOn: versionOrNone(fields.version),
    }
    return data(refusal, { status: 400 })
  }
  switch (change.data.intent) {
    case 'save':
      return save(args, userId, change.data, fields.quote!)
    case 'delete':
      return remove(args, userId, change.data.version)
    case 'discard-draft':
      return redirect('/', { status: 303, headers: withCookies(clearedDraft(request)) })
  }
}

/**
 * Saves the quote if it is still the version the form was based on. On any failure the page
 * answers with the typed text and why; when the quote changed elsewhere, with the quote as it now
 * is too (409), so the user chooses.
 */
async function save(
  args: Route.ActionArgs,
  userId: string,
  { quote, version }: { quote: string; version?: string },
  typed: string,
) {
  const basedOn = version === undefined ? undefined : version === '' ? null : version
  let saved
  try {
    saved = await saveQuote(userId, quote, basedOn, requestDeadline(args))
  } catch (error) {
    const failure = databaseFailure(error, args, 'saved')
    const refusal: Refusal = {
      intent: 'save',
      error: failure.message,
      typed,
      basedOn: version ?? '',
    }
    return data(refusal, { status: failure.status })
  }
  // The same text already saved (a second click, or a retry after a save that did commit): done.
  if (!saved.made && saved.current?.text !== quote) {
    const { current } = saved
    const refusal: Refusal = {
      intent: 'save',
      error: current ? CHANGED_ELSEWHERE.save : CHANGED_ELSEWHERE.saveDeleted,
      typed,
      basedOn: current?.version ?? '',
      newer: current,
    }
    return data(refusal, { status: 409 })
  }
  const headers = withCookies([statusCookie(args.request, 'saved'), ...clearedDraft(args.request)])
  return redirect('/', { status: 303, headers })
}

/**
 * Deletes the quote if it is still the version the page showed. A database failure is the error
 * page, which says whether it may have happened; a quote changed elsewhere is asked about again.
 */
async function remove(args: Route.ActionArgs, userId: string, version: string | undefined) {
  let deleted
  try {
    deleted = await deleteQuote(userId, version, requestDeadline(args))
  } catch (error) {
    const failure = databaseFailure(error, args, 'deleted')
    throw routeError(failure.status, { message: failure.message })
  }
  if (!deleted.made) {
    const refusal: Refusal = {
      intent: 'delete',
      error: CHANGED_ELSEWHERE.delete,
      newer: deleted.current,
    }
    return data(refusal, { status: 409 })
  }
  return redirect('/', {
    status: 303,
    headers: { 'Set-Cookie': statusCookie(args.request, 'deleted') },
  })
}

const NOT_TAKEN = {
  save: 'Quotebook could not answer just now, so your quote may not have been saved. Your text is still here: try again in a moment.',
  delete:
    'Quotebook could not answer just now, so your quote may not have been deleted. Try again in a moment.',
}

const UNREACHABLE = {
  save: 'Quotebook could not be reached, so your quote may not have been saved. Your text is still here: check your connection, then save it again.',
  delete:
    'Quotebook could not be reached, so your quote may not have been deleted. Check your connection, then try again.',
}

/**
 * With JavaScript, a submission that never gets an answer it can read (the network is down, or
 * something between answered with an error page) stays on this page with the typed text and a
 * message, instead of becoming the error page. Redirects and the action's own answers pass
 * through unchanged.
 */
export async function clientAction({ request, serverAction }: Route.ClientActionArgs) {
  const form = await request.clone().formData()
  try {
    return await serverAction()
  } catch (error) {
    if (error instanceof Response) throw error
    const intent = form.get('intent')
    if (intent !== 'save' && intent !== 'delete') throw error
    // The server's own words when it sent some (a 503 on a delete); else, if it answered at all,
    // that it could not take the change; else that it could not be reached.
    const message = isRouteErrorResponse(error)
      ? ((error.data as { message?: string } | null)?.message ?? NOT_TAKEN[intent])
      : undefined
    if (intent === 'delete') {
      return { intent, error: message ?? UNREACHABLE.delete, unreachable: true } as const
    }
    const typed = form.get('quote')
    const version = form.get('version')
    return {
      intent,
      error: message ?? UNREACHABLE.save,
      typed: typeof typed === 'string' ? typed : '',
      basedOn: typeof version === 'string' ? version : '',
      unreachable: true,
    } as const
  }
}

export default function Home({ loaderData, actionData }: Route.ComponentProps) {
  const location = useLocation()
  const requested = requestedView(new URLSearchParams(location.search))
  const status = useOnceStatus(loaderData, location.key)
  const heading = useRef<HTMLHeadingElement>(null)
  const screen = homeScreen({
    quote: loaderData.quote,
    requested,
    draft: loaderData.draft,
    status,
    refused: actionData,
    pending: usePendingChange(),
  })
  const { view } = screen
  useFocusOnViewChange(view.kind, heading, status)

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
      {screen.draftNotice && <DraftNotice cut={loaderData.draft?.cut ?? false} />}
      {view.kind === 'confirm-delete' ? (
        <DeleteConfirmation text={view.text} version={view.version} error={view.error} />
      ) : view.kind === 'form' ? (
        <>
          {view.newer && <NewerQuote text={view.newer.text} />}
          <QuoteForm
            key={`${requested}:${view.basedOn}:${view.text}:${view.error ?? ''}`}
            initialText={view.text}
            basedOn={view.basedOn}
            error={view.error}
            mode={view.mode}
          />
        </>
      ) : (
        <SavedQuote text={view.text} saving={view.saving} />
      )}
    </main>
  )
}

/**
 * The status of the last change, for the page view it was loaded with only: moving to another
 * view and back (which asks the server nothing) does not announce it again.
 */
function useOnceStatus(loaderData: Route.ComponentProps['loaderData'], locationKey: string) {
  // React's pattern for state that follows a prop: which view the data came with, and whether
  // the page has left that view since (Back to it restores its key, but not the news).
  const [shown, setShown] = useState({ data: loaderData, key: locationKey, spent: false })
  let current = shown
  if (shown.data !== loaderData) current = { data: loaderData, key: locationKey, spent: false }
  else if (!shown.spent && shown.key !== locationKey) current = { ...shown, spent: true }
  if (current !== shown) setShown(current)
  return !current.spent && current.key === locationKey ? loaderData.status : null
}

/**
 * Focus follows the view: after a change, the page's heading, so the new state is read from the
 * top; on the delete confirmation, its question, never the destructive button.
 */
function useFocusOnViewChange(
  kind: string,
  heading: React.RefObject<HTMLHeadingElement | null>,
  status: string | null,
) {
  const previous = useRef(kind)
  useEffect(() => {
    if (status) heading.current?.focus()
  }, [status, heading])
  useEffect(() => {
    if (previous.current === kind) return
    previous.current = kind
    // The confirmation and the form focus themselves; the saved view gets the heading.
    if (kind === 'saved') heading.current?.focus()
  }, [kind, heading])
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

function DraftNotice({ cut }: { cut: boolean }) {
  return (
    <div className="mt-2 w-full rounded-md border border-amber-700 bg-amber-50 px-4 py-3 text-left text-sm text-amber-950 dark:border-amber-500 dark:bg-amber-950 dark:text-amber-100">
      <p>
        You were signed out before your quote was saved. We kept what you typed
        {cut ? ', but it was longer than a quote can be, so only its beginning fitted' : ''}: check
        it below, then save it.
      </p>
      <Form method="post" action="/?index" className="mt-2">
        <input type="hidden" name="intent" value="discard-draft" />
        <button
          type="submit"
          className="underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current"
        >
          Discard it
        </button>
      </Form>
    </div>
  )
}

function NewerQuote({ text }: { text: string }) {
  return (
    <section
      aria-labelledby="newer-quote"
      className="mt-6 w-full rounded-md border border-gray-500 px-4 py-3 text-left dark:border-gray-400"
    >
      <h2 id="newer-quote" className="text-sm font-semibold">
        Your saved quote now reads
      </h2>
      <blockquote dir="auto" className="mt-2 break-words whitespace-pre-wrap">
        {text}
      </blockquote>
    </section>
  )
}

function SavedQuote({ text, saving }: { text: string; saving: boolean }) {
  return (
    <>
      <blockquote
        dir="auto"
        aria-busy={saving || undefined}
        className="mt-6 w-full text-3xl leading-snug font-semibold break-words whitespace-pre-wrap sm:text-4xl"
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

function DeleteConfirmation({
  text,
  version,
  error,
}: {
  text: string
  version: string
  error?: string
}) {
  const question = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // Focus on the question: pressing Enter again (a double press on "Delete Quote") does nothing.
    question.current?.focus()
  }, [])
  return (
    <section aria-labelledby="confirm-delete" className="mt-6 w-full">
      {/* autoFocus is for the page without JavaScript, where the browser applies it. */}
      <h2
        ref={question}
        id="confirm-delete"
        tabIndex={-1}
        autoFocus
        className="text-xl font-semibold focus:outline-none"
      >
        Delete your quote?
      </h2>
      <blockquote
        dir="auto"
        className="mt-4 text-lg break-words whitespace-pre-wrap text-gray-700 dark:text-gray-300"
      >
        {text}
      </blockquote>
      {error && (
        <p
          id="delete-error"
          role="alert"
          className="mt-4 text-sm font-medium text-red-700 dark:text-red-400"
        >
          {error}
        </p>
      )}
      <Form method="post" action="/?index" className="mt-6 flex flex-wrap justify-center gap-3">
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="version" value={version} />
        <button type="submit" className={dangerButton}>
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
  const kept = refused?.intent === 'save' ? refused : undefined
  return (
    <ErrorPage error={error}>
      {kept ? (
        <QuoteForm
          initialText={kept.typed}
          basedOn={kept.basedOn}
          error={kept.error}
          mode="create"
        />
      ) : undefined}
    </ErrorPage>
  )
}
