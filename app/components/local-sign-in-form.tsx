import { useEffect } from 'react'
import { Form, useNavigation } from 'react-router'
import { primaryButton, textField } from './button-styles'
import { ErrorMessage } from './error-message'

type Field = 'email' | 'name'

/**
 * Local mode's sign-in page: an email and an optional name, no password. What it says depends on
 * whether this is development or a demo served in production.
 */
export function LocalSignIn({
  redirectUrl,
  result,
  demo,
  sessionHours,
  notice,
}: {
  redirectUrl: string
  result?: { errors: Partial<Record<Field, string>>; values: Record<Field, string> }
  demo: boolean
  sessionHours: number
  notice: React.ReactNode
}) {
  const navigation = useNavigation()
  const errors = result?.errors ?? {}
  const firstInvalid = errors.email ? 'email' : errors.name ? 'name' : null
  useEffect(() => {
    // With JavaScript the fields stay mounted, so autoFocus would not move focus again.
    if (firstInvalid) document.getElementById(firstInvalid)?.focus()
  }, [result, firstInvalid])
  return (
    <main className="mx-auto w-full max-w-sm px-4 py-12">
      {notice}
      <h1 tabIndex={-1} className="text-2xl font-semibold focus:outline-none">
        Sign in
      </h1>
      {demo ? (
        <p className="mt-2 rounded-md border border-red-700 px-3 py-2 text-sm text-red-800 dark:text-red-300">
          <strong>This is a demo with local sign-in.</strong> There are no passwords: anyone can
          sign in as any email address and read or change that user&rsquo;s quote. Signing out
          cannot revoke a session: a copied session cookie works until it expires, {sessionHours}{' '}
          hours after signing in. Keep nothing private here.
        </p>
      ) : (
        <p className="mt-2 text-sm text-gray-600 dark:text-gray-300">
          Local sign-in for development: no password and no account, so anyone can sign in as any
          email address. The same email is always the same user. Signing out clears this
          browser&rsquo;s session but cannot revoke it: a copied session cookie works until it
          expires, {sessionHours} hours after signing in.
        </p>
      )}
      <Form method="post" action="/sign-in" className="mt-6 space-y-4" noValidate>
        <input type="hidden" name="redirect_url" value={redirectUrl} />
        <TextField
          name="email"
          type="email"
          label="Email"
          defaultValue={result?.values.email}
          error={errors.email}
          focused={firstInvalid === null || firstInvalid === 'email'}
          required
        />
        <TextField
          name="name"
          type="text"
          label="Name"
          optional
          defaultValue={result?.values.name}
          error={errors.name}
          focused={firstInvalid === 'name'}
        />
        <button
          type="submit"
          disabled={navigation.state === 'submitting'}
          className={`${primaryButton} w-full`}
        >
          Sign in
        </button>
      </Form>
    </main>
  )
}

/** A labelled input with its error beneath it, tied together for assistive technology. */
function TextField({
  name,
  type,
  label,
  optional = false,
  required = false,
  defaultValue,
  error,
  focused = false,
}: {
  name: Field
  type: 'email' | 'text'
  label: string
  optional?: boolean
  required?: boolean
  defaultValue?: string
  error?: string
  /** The email field, or the first with an error: focused, by the browser without JavaScript. */
  focused?: boolean
}) {
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium">
        {label}
        {optional && (
          <span className="font-normal text-gray-600 dark:text-gray-400"> (optional)</span>
        )}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={name}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        autoFocus={focused}
        className={field}
      />
      {error && (
        <ErrorMessage id={`${name}-error`} className="mt-1">
          {error}
        </ErrorMessage>
      )}
    </div>
  )
}

const field = `mt-1 ${textField}`
