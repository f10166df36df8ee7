import { Suspense, useEffect } from 'react'
import { data, Form, redirect, useNavigation } from 'react-router'
import { safeRedirectPath } from '../auth/redirect'
import { readFields } from '../http/form.server'
import { type SignInFormErrors, signInForm } from '../auth/sign-in-form'
import { mintSessionToken, SESSION_SECONDS, sessionCookies } from '../auth/local-identity.server'
import { authMode, issuer, sessionUser } from '../auth/session.server'
import { withCookies } from '../http/cookies.server'
import { primaryButton, textField } from '../components/button-styles'
import { SignIn } from '../components/clerk'
import { env } from '../env.server'
import { appOrigin, secureCookies } from '../http/request-context.server'
import { carryOverHeaders, type Draft, readCarryOver } from './quote/carried-over.server'
import type { Route } from './+types/sign-in'
import { routeError } from '../http/route-error.server'

export function meta(): Route.MetaDescriptors {
  return [{ title: 'Sign in · Quotebook' }]
}

export async function loader(args: Route.LoaderArgs) {
  const redirectUrl = safeRedirectPath(args.url.searchParams.get('redirect_url'))
  // Already signed in (in Clerk mode, perhaps just now, by the refresh on this GET): go on.
  if (sessionUser(args)) throw redirect(redirectUrl)
  // A delete that found the session ended left word for this page, once.
  const carried = await readCarryOver(args.request)
  const deleting = carried.status === 'not-deleted'
  return data(
    {
      authMode,
      redirectUrl,
      draft: draftNotice(carried.draft),
      deleting,
      demo: authMode === 'local' && env.NODE_ENV === 'production',
      sessionHours: SESSION_SECONDS / 3600,
    },
    { headers: deleting ? await carryOverHeaders(carried) : undefined },
  )
}

/**
 * What the page says about a quote typed in a session that ended. A draft kept for a known user
 * waits for that user; one kept for no one (there was no session to read a user from) is shown
 * here, to whoever is at this browser now, since no one is offered it after signing in.
 */
type DraftNotice =
  { kind: 'none' } | { kind: 'waiting' } | { kind: 'shown'; text: string; cut: boolean }

function draftNotice(draft: Draft | null): DraftNotice {
  if (draft === null) return { kind: 'none' }
  return draft.user === null
    ? { kind: 'shown', text: draft.text, cut: draft.cut ?? false }
    : { kind: 'waiting' }
}

export async function action({ request }: Route.ActionArgs) {
  // Clerk mode signs in through Clerk's own components; this endpoint does not exist there.
  if (authMode !== 'local') throw routeError(404)
  const form = await readFields(request)
  const parsed = signInForm.safeParse(form)
  if (!parsed.success) {
    const errors: SignInFormErrors = {}
    for (const issue of parsed.error.issues) {
      const field = issue.path[0]
      if ((field === 'email' || field === 'name') && !errors[field]) errors[field] = issue.message
    }
    const values = { email: String(form.email ?? ''), name: String(form.name ?? '') }
    return data({ errors, values }, { status: 400 })
  }
  const { email, name, redirect_url } = parsed.data
  // The issuer exists exactly in local mode (auth/session.server.ts).
  const session = mintSessionToken(issuer!, { email, name, origin: appOrigin(request) })
  const headers = withCookies(sessionCookies(session, { secure: secureCookies(request) }))
  return redirect(safeRedirectPath(redirect_url), { status: 303, headers })
}

export default function SignInPage({ loaderData, actionData }: Route.ComponentProps) {
  const notice = <SignedOutNotice draft={loaderData.draft} deleting={loaderData.deleting} />
  if (loaderData.authMode === 'clerk') {
    return (
      <main className="flex flex-col items-center px-4 py-12">
        {notice}
        <Suspense fallback={null}>
          <SignIn />
        </Suspense>
      </main>
    )
  }
  return (
    <LocalSignIn
      redirectUrl={loaderData.redirectUrl}
      result={actionData}
      demo={loaderData.demo}
      sessionHours={loaderData.sessionHours}
      notice={notice}
    />
  )
}

/** Why the user is here, when a change of theirs found the session ended. */
function SignedOutNotice({ draft, deleting }: { draft: DraftNotice; deleting: boolean }) {
  if (draft.kind === 'none') {
    if (!deleting) return null
    return (
      <p role="status" className={noticeStyle}>
        Your session ended before your quote was deleted, so it is still there. Sign in again to
        delete it.
      </p>
    )
  }
  return (
    <div role="status" className={noticeStyle}>
      {draft.kind === 'waiting' ? (
        <p>
          Your session ended before your quote was saved, and we kept what you typed. Sign in again
          and it will be waiting for you.
        </p>
      ) : (
        <>
          <p id="unsaved-help">
            You were signed out before your quote was saved. Here is what you typed
            {draft.cut ? ' (its beginning: it was longer than a quote can be)' : ''}: copy it before
            you go on, because it is not kept once you sign in.
          </p>
          <label htmlFor="unsaved" className="mt-3 block font-medium">
            Your unsaved quote
          </label>
          <textarea
            id="unsaved"
            readOnly
            rows={4}
            dir="auto"
            defaultValue={draft.text}
            aria-describedby="unsaved-help"
            className={`${field} text-sm`}
          />
        </>
      )}
    </div>
  )
}

const noticeStyle =
  'mb-6 w-full max-w-sm rounded-md border border-amber-700 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-500 dark:bg-amber-950 dark:text-amber-100'

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
  name: 'email' | 'name'
  type: 'email' | 'text'
  label: string
  optional?: boolean
  required?: boolean
  defaultValue?: string
  error?: string
  /** The first field with an error: focused, by the browser without JavaScript. */
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
        <p
          id={`${name}-error`}
          role="alert"
          className="mt-1 text-sm text-red-700 dark:text-red-400"
        >
          {error}
        </p>
      )}
    </div>
  )
}

const field = `mt-1 ${textField}`

function LocalSignIn({
  redirectUrl,
  result,
  demo,
  sessionHours,
  notice,
}: {
  redirectUrl: string
  result?: { errors: SignInFormErrors; values: { email: string; name: string } }
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
          focused={firstInvalid === 'email'}
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
