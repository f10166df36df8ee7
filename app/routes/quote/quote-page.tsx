import { type RefObject, useEffect } from 'react'
import { Form, Link, useNavigation, useOutletContext } from 'react-router'
import { primaryButton, secondaryButton } from '../../components/button-styles'
import { CONFLICT_TITLES } from './messages'
import { DeleteConfirmation } from './delete-confirmation'
import { QuoteForm } from './quote-form'
import { checkQuote } from './quote-schema'
import {
  type PendingChange,
  quoteView,
  type Refusal,
  type Requested,
  type SavedQuote as Quote,
  type ViewState,
} from './quote-view'

/** What the layout hands its pages: its data, its heading, and the view shown last. */
export interface QuotePage {
  quote: Quote | null
  draft: ViewState['draft']
  headingRef: RefObject<HTMLHeadingElement | null>
  /** Kept by the layout, so it outlives the page that set it: focus follows a change of view. */
  lastViewRef: RefObject<string | null>
}

export const useQuotePage = () => useOutletContext<QuotePage>()

/** The change being submitted with JavaScript, unless the text would be refused anyway. */
export function usePendingChange(): PendingChange {
  const { formData, formAction } = useNavigation()
  if (formData === undefined || formAction === undefined) return null
  const path = new URL(formAction, 'http://quotebook.invalid').pathname
  if (path === '/delete') return { kind: 'deleting' }
  if (path !== '/edit') return null
  const checked = checkQuote(formData.get('quote'))
  return checked.error === undefined ? { kind: 'saving', text: checked.quote } : null
}

/** One page's view of the quote, below the layout's heading and live region. */
export function QuoteScreen({ requested, refused }: { requested: Requested; refused?: Refusal }) {
  const { quote, draft } = useQuotePage()
  const pending = usePendingChange()
  const { view, draftNotice } = quoteView({ quote, requested, draft, refused, pending })
  useFocusOnViewChange(view.kind)
  return (
    <>
      {draftNotice && <DraftNotice cut={draft?.cut ?? false} />}
      {view.kind === 'confirm-delete' ? (
        <DeleteConfirmation
          text={view.text}
          version={view.version}
          error={view.error}
          deleting={pending?.kind === 'deleting'}
        />
      ) : view.kind === 'form' ? (
        <>
          {view.newer !== undefined && <Conflict newer={view.newer} message={view.error} />}
          <QuoteForm
            key={`${requested}:${view.basedOn}:${view.text}:${view.error ?? ''}`}
            initialText={view.text}
            basedOn={view.basedOn}
            error={view.newer === undefined ? view.error : undefined}
            mode={view.mode}
            conflict={view.newer === undefined ? undefined : view.newer ? 'changed' : 'deleted'}
          />
        </>
      ) : (
        <SavedQuote text={view.text} />
      )}
    </>
  )
}

/**
 * Focus follows the view: the form and the delete question focus themselves; arriving at the
 * saved quote from another view focuses the page's heading. Not on the first page shown.
 */
function useFocusOnViewChange(kind: string) {
  const { headingRef, lastViewRef } = useQuotePage()
  useEffect(() => {
    const previous = lastViewRef.current
    lastViewRef.current = kind
    if (previous !== null && previous !== kind && kind === 'saved') headingRef.current?.focus()
  }, [kind, headingRef, lastViewRef])
}

function DraftNotice({ cut }: { cut: boolean }) {
  return (
    <div className="mt-2 w-full rounded-md border border-amber-700 bg-amber-50 px-4 py-3 text-left text-sm text-amber-950 dark:border-amber-500 dark:bg-amber-950 dark:text-amber-100">
      <p>
        Your session ended before your quote was saved. We kept what you typed
        {cut ? ', but it was longer than a quote can be, so only its beginning fitted' : ''}: check
        it below, then save it.
      </p>
      {/* A plain form post: discarding needs the server, and its route has no page of its own. */}
      <Form method="post" action="/draft/discard" reloadDocument className="mt-2">
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

/**
 * The quote changed in another tab or window since the user started typing: not an error but a
 * choice between two good texts, each named where it stands (the form below holds the user's).
 */
function Conflict({ newer, message }: { newer: { text: string } | null; message?: string }) {
  return (
    <section
      aria-labelledby="quote-conflict-title"
      className="mt-6 w-full rounded-md border border-gray-500 px-4 py-3 text-left dark:border-gray-400"
    >
      <h2 id="quote-conflict-title" className="font-semibold">
        {newer ? CONFLICT_TITLES.changed : CONFLICT_TITLES.deleted}
      </h2>
      <p id="quote-conflict" className="mt-1 text-sm">
        {message}
      </p>
      {newer && (
        <>
          <p className="mt-3 text-sm font-semibold">The saved one, now:</p>
          <blockquote dir="auto" className="mt-1 break-words whitespace-pre-wrap">
            {newer.text}
          </blockquote>
        </>
      )}
    </section>
  )
}

// The links load the page they lead to as soon as they are shown, so moving between the quote's
// pages needs nothing from the network: it works offline.
function SavedQuote({ text }: { text: string }) {
  return (
    <>
      <blockquote
        dir="auto"
        className="mt-6 w-full text-3xl leading-snug font-semibold break-words whitespace-pre-wrap sm:text-4xl"
      >
        {text}
      </blockquote>
      <div className="mt-8 flex flex-wrap justify-center gap-3">
        <Link to="/edit" prefetch="render" className={primaryButton}>
          Edit
        </Link>
        <Link to="/delete" prefetch="render" className={secondaryButton}>
          Delete quote
        </Link>
      </div>
    </>
  )
}
