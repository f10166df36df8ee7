import { Suspense } from 'react'
import { data, redirect } from 'react-router'
import { safeRedirectPath } from '../auth/redirect'
import { readFields } from '../http/form.server'
import { type SignInFormErrors, signInForm } from '../auth/sign-in-form'
import { mintSessionToken, SESSION_SECONDS, sessionCookies } from '../auth/local-identity.server'
import { localIssuer } from '../auth/clerk-options.server'
import { sessionUser } from '../auth/session-user.server'
import { withCookies } from '../http/cookies.server'
import { textField } from '../components/button-styles'
import { SignIn } from '../components/clerk'
import { CopyTextButton } from '../components/copy-text-button'
import { LocalSignIn } from '../components/local-sign-in-form'
import { authMode, env } from '../env.server'
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
  // The issuer exists exactly in local mode.
  const session = mintSessionToken(localIssuer()!, { email, name, origin: appOrigin(request) })
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
          as the same user within 15 minutes and it will be waiting for you.
        </p>
      ) : (
        <>
          <p id="unsaved-help">
            Your session ended before your quote was saved, and it is not saved anywhere. Here is
            what you typed{draft.cut ? ' (its beginning: it was longer than a quote can be)' : ''}.
            Copy it before you go on: it is forgotten when you sign in, or in 15 minutes. To copy
            it, select the text in the box.
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
            className={`mt-1 ${textField} text-sm`}
          />
          <CopyTextButton text={draft.text} label="Copy your quote" />
        </>
      )}
    </div>
  )
}

const noticeStyle =
  'mb-6 w-full max-w-sm rounded-md border border-amber-700 bg-amber-50 px-4 py-3 text-sm text-amber-950 dark:border-amber-500 dark:bg-amber-950 dark:text-amber-100'
