import { Form, Link, redirect } from 'react-router'
import { clearedSessionCookies } from '../auth/local-identity.server'
import { type SignedInUser, sessionUser, signedInUser } from '../auth/session-user.server'
import { primaryButton, secondaryButton } from '../components/button-styles'
import { requestDeadline } from '../db/client.server'
import { getQuoteForUser } from '../db/user-messages.server'
import { authMode } from '../env.server'
import { withCookies } from '../http/cookies.server'
import { readFields } from '../http/form.server'
import { secureCookies } from '../http/request-context.server'
import { routeError } from '../http/route-error.server'
import { keepDraft } from './quote/carried-over.server'
import { versionOrNone } from './quote/quote-schema'
import type { Route } from './+types/sign-out'

export function meta(): Route.MetaDescriptors {
  return [{ title: 'Sign out · Quotebook' }]
}

// The address typed by hand: a page that asks, signed in; otherwise there is nothing to do here.
// Clerk mode signs out through Clerk's <UserButton />.
export function loader(args: Route.LoaderArgs) {
  if (authMode !== 'local') throw redirect('/')
  const user = sessionUser(args)
  if (!user) throw redirect('/sign-in')
  return { displayName: user.displayName }
}

/**
 * Local mode's sign-out. Pressed on a page with the quote form, the button posts that form (its
 * `quote` and `version`): text that differs from the saved quote is kept as a draft for this user,
 * offered back when they sign in again, as a draft from a session that ended is.
 */
export async function action(args: Route.ActionArgs) {
  const { request } = args
  if (authMode !== 'local') throw routeError(404)
  const fields = await readFields(request)
  const user = signedInUser(args)
  const headers = withCookies(clearedSessionCookies({ secure: secureCookies(request) }))
  const typed = fields.quote?.trim() ? fields.quote : ''
  if (user && typed && (await differsFromSaved(args, user, typed))) {
    const kept = await keepDraft(request, {
      user: user.id,
      text: typed,
      basedOn: versionOrNone(fields.version),
    })
    for (const cookie of kept.getSetCookie()) headers.append('Set-Cookie', cookie)
  }
  return redirect('/sign-in', { status: 303, headers })
}

// An edit left as it was is no draft. When the quote cannot be read, the text is kept: a draft
// too many costs a click on "Discard it"; one too few loses what was typed.
async function differsFromSaved(args: Route.ActionArgs, user: SignedInUser, typed: string) {
  try {
    const saved = await getQuoteForUser(user, requestDeadline(args))
    return saved?.text !== typed.trim()
  } catch {
    return true
  }
}

export default function SignOut({ loaderData }: Route.ComponentProps) {
  return (
    <main className="mx-auto w-full max-w-sm px-4 py-12">
      <h1 tabIndex={-1} className="text-2xl font-semibold focus:outline-none">
        Sign out?
      </h1>
      <p className="mt-2 text-gray-700 dark:text-gray-300">
        {loaderData.displayName
          ? `You are signed in as ${loaderData.displayName}.`
          : 'You are signed in.'}{' '}
        Signing out ends your session in this browser.
      </p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Form method="post" action="/sign-out">
          <button type="submit" className={primaryButton}>
            Sign out
          </button>
        </Form>
        <Link to="/" className={secondaryButton}>
          Back to your quote
        </Link>
      </div>
    </main>
  )
}
