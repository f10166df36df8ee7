import { useEffect, useRef, useState } from 'react'
import { Form, Link, useNavigation } from 'react-router'
import { primaryButton, secondaryButton, textField } from '../../components/button-styles'
import { ErrorMessage } from '../../components/error-message'
import { QUOTE_FORM_ID } from '../../components/site-header'
import { checkQuote, codePoints, QUOTE_MAX_LENGTH } from './quote-schema'

interface Props {
  /** The text to start with: the saved quote, a kept draft, or what the user sent. */
  initialText: string
  /** The version of the quote this text replaces; empty when there is none (a new quote). */
  basedOn: string
  /** The server's message about the text, if it refused it. */
  error?: string
  mode: 'create' | 'edit'
  /**
   * The quote changed (or was deleted) in another tab or window since this text was typed: the
   * page shows both texts, this form holds the user's, and its actions say which text each keeps.
   */
  conflict?: 'changed' | 'deleted'
}

/** What the form's field and actions are called: each action is named by what it keeps. */
function wordsFor(mode: Props['mode'], conflict: Props['conflict']) {
  if (conflict === 'changed') {
    return { label: YOURS, save: 'Save mine instead', leave: 'Keep the saved one' }
  }
  if (conflict === 'deleted') return { label: YOURS, save: 'Save mine', leave: 'Leave it deleted' }
  if (mode === 'edit') return { label: 'Edit your quote', save: 'Save changes', leave: 'Cancel' }
  return { label: 'Your quote', save: 'Save quote', leave: null }
}

const YOURS = 'Yours, not saved yet'

// A browser's maxlength counts UTF-16 units; a valid quote is at most 500 code points, each at
// most two units. Three units a character refuses no valid quote and leaves room for the server
// to say how much too long a text is, while a huge paste stops in the field: 1,500 units stay
// under the 16 KB the server accepts, however they are encoded, instead of a 413 that would lose
// the text.
const FIELD_MAX_UNITS = 3 * QUOTE_MAX_LENGTH

const graphemes =
  typeof Intl.Segmenter === 'function'
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : null

/**
 * What the counter says. The limit is in code points, as Postgres counts them; an emoji made of
 * several (a family, a flag, a skin tone) counts once for each, and the counter says so when the
 * text has one.
 */
function lengthText(text: string) {
  const trimmed = text.trim()
  const length = codePoints(trimmed)
  const seen = graphemes ? [...graphemes.segment(trimmed)].length : length
  const note = seen < length ? ' (some emoji and accented letters count as more than one)' : ''
  return `${length} of ${QUOTE_MAX_LENGTH} characters${note}`
}

/**
 * The quote's form, for a new quote and for editing one. It works as a plain form post; with
 * JavaScript the same rules run before submitting, the counter follows the typing, and the field
 * is focused when it has an error.
 */
export function QuoteForm({ initialText, basedOn, error, mode, conflict }: Props) {
  const navigation = useNavigation()
  const field = useRef<HTMLTextAreaElement>(null)
  // Without JavaScript nothing can count as the user types, so the page says only the limit.
  const [counter, setCounter] = useState(`At most ${QUOTE_MAX_LENGTH} characters`)
  const [clientError, setClientError] = useState<string | undefined>()
  const [startText] = useState(() => typedBeforeHydration() ?? initialText)
  const shownError = clientError ?? error
  // Until the page is back: after a save, the reload its redirect asks for is part of it. (The
  // header's Sign out posts this form too, elsewhere.)
  const saving = navigation.state !== 'idle' && navigation.formAction === '/edit'
  const words = wordsFor(mode, conflict)
  const focusOnShow = Boolean(error) || conflict !== undefined || mode === 'edit'
  const describedBy = [conflict && 'quote-conflict', shownError && 'quote-error', 'quote-length']

  useEffect(() => {
    const textarea = field.current
    if (!textarea) return
    // Uncontrolled, so text typed before the page's JavaScript loaded is kept: count that.
    setCounter(lengthText(textarea.value))
    if (focusOnShow) {
      textarea.focus()
      // Typing goes after the text, not in front of it.
      textarea.setSelectionRange(textarea.value.length, textarea.value.length)
    }
  }, [focusOnShow])

  return (
    <Form
      id={QUOTE_FORM_ID}
      method="post"
      action="/edit"
      aria-busy={saving || undefined}
      className="mt-8 w-full space-y-3 text-left"
      onSubmit={(event) => {
        // The header's Sign out posts this form elsewhere, to keep the text, whatever it is.
        const submitter = (event.nativeEvent as SubmitEvent).submitter
        if (submitter?.getAttribute('formaction') === '/sign-out') return
        const checked = checkQuote(field.current?.value)
        if (checked.error !== undefined) {
          event.preventDefault()
          setClientError(checked.error)
          field.current?.focus()
        }
      }}
    >
      <input type="hidden" name="version" value={basedOn} />
      <label htmlFor="quote" className="block font-medium">
        {words.label}
      </label>
      <textarea
        ref={field}
        id="quote"
        name="quote"
        dir="auto"
        rows={4}
        maxLength={FIELD_MAX_UNITS}
        defaultValue={startText}
        onChange={(event) => {
          setCounter(lengthText(event.target.value))
          setClientError(undefined)
        }}
        // The guide's example, marked as one, so it is not read as a saved quote.
        placeholder="e.g. Mistakes are the portals of discovery - James Joyce"
        readOnly={saving}
        autoFocus={focusOnShow}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={describedBy.filter(Boolean).join(' ')}
        className={`${textField} whitespace-pre-wrap`}
      />
      <p id="quote-length" className="text-sm text-gray-700 dark:text-gray-300">
        {counter}
      </p>
      {shownError && <ErrorMessage id="quote-error">{shownError}</ErrorMessage>}
      <div className="flex flex-wrap gap-3">
        <button type="submit" className={primaryButton} disabled={saving}>
          {saving ? 'Saving…' : words.save}
        </button>
        {words.leave && (
          <Link to="/" prefetch="render" className={secondaryButton}>
            {words.leave}
          </Link>
        )}
      </div>
    </Form>
  )
}

/**
 * What is in the field while the page hydrates, typed before its JavaScript ran: hydration sets a
 * textarea back to its default (react-dom's initTextarea), so the form starts from this instead.
 */
function typedBeforeHydration(): string | undefined {
  if (typeof document === 'undefined' || document.documentElement.dataset.hydrated === 'true') {
    return undefined
  }
  return document.querySelector<HTMLTextAreaElement>('textarea#quote')?.value
}
