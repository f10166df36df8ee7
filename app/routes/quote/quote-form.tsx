import { useEffect, useRef, useState } from 'react'
import { Form, Link, useNavigation } from 'react-router'
import { primaryButton, secondaryButton, textField } from '../../components/button-styles'
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
}

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
export function QuoteForm({ initialText, basedOn, error, mode }: Props) {
  const navigation = useNavigation()
  const field = useRef<HTMLTextAreaElement>(null)
  // Without JavaScript nothing can count as the user types, so the page says only the limit.
  const [counter, setCounter] = useState(`At most ${QUOTE_MAX_LENGTH} characters`)
  const [clientError, setClientError] = useState<string | undefined>()
  const shownError = clientError ?? error
  const saving = navigation.state === 'submitting' && navigation.formAction === '/edit'

  useEffect(() => {
    const textarea = field.current
    if (!textarea) return
    // Uncontrolled, so text typed before the page's JavaScript loaded is kept: count that.
    setCounter(lengthText(textarea.value))
    if (error || mode === 'edit') {
      textarea.focus()
      // Typing goes after the text, not in front of it.
      textarea.setSelectionRange(textarea.value.length, textarea.value.length)
    }
  }, [error, mode])

  return (
    <Form
      id={QUOTE_FORM_ID}
      method="post"
      action="/edit"
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
        {mode === 'edit' ? 'Edit your quote' : 'Your quote'}
      </label>
      <textarea
        ref={field}
        id="quote"
        name="quote"
        dir="auto"
        rows={4}
        maxLength={FIELD_MAX_UNITS}
        defaultValue={initialText}
        onChange={(event) => {
          setCounter(lengthText(event.target.value))
          setClientError(undefined)
        }}
        placeholder="Mistakes are the portals of discovery - James Joyce"
        autoFocus={mode === 'edit' || Boolean(error)}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={shownError ? 'quote-error quote-length' : 'quote-length'}
        className={`${textField} whitespace-pre-wrap`}
      />
      <p id="quote-length" className="text-sm text-gray-700 dark:text-gray-300">
        {counter}
      </p>
      {shownError && (
        <p
          id="quote-error"
          role="alert"
          className="text-sm font-medium text-red-700 dark:text-red-400"
        >
          {shownError}
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        <button type="submit" className={primaryButton} disabled={saving}>
          {saving ? 'Saving…' : mode === 'edit' ? 'Save changes' : 'Save Quote'}
        </button>
        {mode === 'edit' && (
          <Link to="/" prefetch="render" className={secondaryButton}>
            Cancel
          </Link>
        )}
      </div>
    </Form>
  )
}
