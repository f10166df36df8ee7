import { Suspense } from 'react'
import { Form, Link } from 'react-router'
import { focusRing } from './button-styles'
import { ClerkUserMenu } from './clerk'

interface Props {
  authMode: 'clerk' | 'local'
  user: { displayName: string | null } | null
  /** Clerk's user menu; off where Clerk's provider is not rendered (the root error page). */
  menu?: boolean
}

/** The id of the quote's form, whose text the header's Sign out button takes along. */
export const QUOTE_FORM_ID = 'quote-form'

const signOutButton = `shrink-0 rounded-md border border-gray-500 px-3 py-1 hover:bg-gray-100 dark:border-gray-400 dark:hover:bg-gray-800 ${focusRing}`

/**
 * The app's header: its name, and who is signed in, readable without JavaScript. Its content is as
 * wide as the page's, so both start at the same left edge.
 */
export function SiteHeader({ authMode, user, menu = true }: Props) {
  // On a narrow screen, the name alone beside "Sign out" keeps the header one row.
  const signedInAs = user?.displayName && (
    <span className="min-w-0 truncate">
      <span className="max-sm:sr-only">Signed in as </span>
      <strong className="font-semibold">{user.displayName}</strong>
    </span>
  )
  return (
    <header className="border-b border-gray-200 dark:border-gray-800">
      <div className="mx-auto flex max-w-2xl items-center justify-between gap-3 px-4 py-2">
        <Link to="/" className={`shrink-0 text-lg font-semibold ${focusRing}`}>
          Quotebook
        </Link>
        {user && authMode === 'local' && (
          <div className="flex min-w-0 items-center gap-3 text-sm">
            {signedInAs}
            <Form method="post" action="/sign-out" className="sign-out-alone shrink-0">
              <button type="submit" className={signOutButton}>
                Sign out
              </button>
            </Form>
            {/* On a page with the quote form, Sign out posts that form, so the server keeps
                what was typed as a draft, without JavaScript too. The header is rendered before
                the form, so CSS (app.css) shows whichever of the two buttons fits the page. */}
            <button
              type="submit"
              form={QUOTE_FORM_ID}
              formAction="/sign-out"
              formMethod="post"
              formNoValidate
              className={`sign-out-with-quote ${signOutButton}`}
            >
              Sign out
            </button>
          </div>
        )}
        {user && authMode === 'clerk' && !menu && (
          <div className="min-w-0 text-sm">{signedInAs}</div>
        )}
        {user && authMode === 'clerk' && menu && (
          <div className="min-w-0 text-sm">
            <Suspense fallback={signedInAs}>
              <ClerkUserMenu fallback={signedInAs} />
            </Suspense>
          </div>
        )}
      </div>
    </header>
  )
}
