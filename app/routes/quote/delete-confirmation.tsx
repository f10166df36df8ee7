import { useEffect, useRef } from 'react'
import { Form, Link } from 'react-router'
import { dangerButton, secondaryButton } from '../../components/button-styles'
import { ErrorMessage } from '../../components/error-message'

/** The delete page's question: the quote, "Yes, delete it" and "Keep it". */
export function DeleteConfirmation({
  text,
  version,
  error,
  deleting,
}: {
  text: string
  version: string
  error?: string
  /** Sent, and not yet answered: the question stays, busy. */
  deleting: boolean
}) {
  const question = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // Focus on the question: pressing Enter again (a double press on "Delete quote") does nothing.
    // Asked again (the quote changed elsewhere), it is read anew from the top.
    question.current?.focus()
  }, [error, text])
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
        <ErrorMessage id="delete-error" className="mt-4 text-left">
          {error}
        </ErrorMessage>
      )}
      <Form
        method="post"
        action="/delete"
        aria-busy={deleting || undefined}
        className="mt-6 flex flex-wrap justify-center gap-3"
      >
        <input type="hidden" name="version" value={version} />
        <button type="submit" className={dangerButton} disabled={deleting}>
          {deleting ? 'Deleting…' : 'Yes, delete it'}
        </button>
        <Link to="/" prefetch="render" className={secondaryButton}>
          Keep it
        </Link>
      </Form>
    </section>
  )
}
