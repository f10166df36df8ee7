import { useEffect, useRef, useState } from 'react'
import { Form, Link, useNavigation } from 'react-router'
import { checkQuote, codePoints, QUOTE_MAX_LENGTH } from '../quotes/quote-schema'
import { primaryButton, secondaryButton } from './button-styles'

interface Props {
  /** The text to start with: the saved quote, a kept draft, or what the user sent. */
  initialText: string
  /** The server's message about the text, if it refused it. */
  error?: string
  mode: 'create' | 'edit'
}

/**
 * The quote's form, for a new quote and for editing one. It works as a plain form post; with
 * JavaScript the same rules run before submitting, and the field is focused when it has an error.
 */
export function QuoteForm({ initialText, error, mode }: Props) {
  const navigation = useNavigation()
  const field = useRef<HTMLTextAreaElement>(null)
  // Uncontrolled, so text typed before the page's JavaScript has loaded is kept when it does.
  const [length, setLength] = useState(codePoints(initialText.trim()))
  const [clientError, setClientError] = useState<string | undefined>()
  const shownError = clientError ?? error
  const saving = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'save'

  useEffect(() => {
    if (error) field.current?.focus()
  }, [error])
  useEffect(() => {
    setLength(codePoints((field.current?.value ?? '').trim()))
  }, [])

  return (
    <Form
      method="post"
      action="/?index"
      className="mt-8 w-full space-y-3 text-left"
      onSubmit={(event) => {
        const checked = checkQuote(field.current?.value)
        if (checked.error !== undefined) {
          event.preventDefault()
          setClientError(checked.error)
          field.current?.focus()
        }
      }}
    >
      <input type="hidden" name="intent" value="save" />
      <label htmlFor="quote" className="block font-medium">
        {mode === 'edit' ? 'Edit your quote' : 'Your quote'}
      </label>
      <textarea
        ref={field}
        id="quote"
        name="quote"
        rows={4}
        defaultValue={initialText}
        onChange={(event) => {
          setLength(codePoints(event.target.value.trim()))
          setClientError(undefined)
        }}
        placeholder="Mistakes are the portals of discovery - James Joyce"
        autoFocus={mode === 'edit' || Boolean(error)}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={shownError ? 'quote-error quote-length' : 'quote-length'}
        className="block w-full rounded-md border border-gray-400 bg-white px-3 py-2 text-base text-gray-900 placeholder:text-gray-500 focus:border-gray-900 focus:outline-none focus:ring-2 focus:ring-[#00E699] aria-[invalid=true]:border-red-700 dark:border-gray-500 dark:bg-gray-900 dark:text-gray-100 dark:placeholder:text-gray-400"
      />
      <p id="quote-length" className="text-sm text-gray-700 dark:text-gray-300">
        {length} of {QUOTE_MAX_LENGTH} characters
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
          <Link to="/" className={secondaryButton}>
            Cancel
          </Link>
        )}
      </div>
    </Form>
  )
}
