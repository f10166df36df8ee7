import { Suspense } from 'react'
import { Form, Link } from 'react-router'
import { ClerkUserMenu } from './clerk'

interface Props {
  authMode: 'clerk' | 'local'
  user: { displayName: string | null } | null
}

/** The app's header: its name, and who is signed in, readable without JavaScript. */
export function SiteHeader({ authMode, user }: Props) {
  const signedInAs = user?.displayName && (
    <span>
      Signed in as <strong className="font-semibold">{user.displayName}</strong>
    </span>
  )
  return (
    <header className="border-b border-gray-200 dark:border-gray-800">
      <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-3">
        <Link to="/" className="text-lg font-semibold">
          Quotebook
        </Link>
        {user && authMode === 'local' && (
          <div className="flex flex-wrap items-center gap-3 text-sm">
            {signedInAs}
            <Form method="post" action="/sign-out">
              <button
                type="submit"
                className="rounded-md border border-gray-400 px-3 py-1 hover:bg-gray-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-[#00E699] dark:border-gray-500 dark:hover:bg-gray-800"
              >
                Sign out
              </button>
            </Form>
          </div>
        )}
        {user && authMode === 'clerk' && (
          <div className="text-sm">
            <Suspense fallback={signedInAs}>
              <ClerkUserMenu fallback={signedInAs} />
            </Suspense>
          </div>
        )}
      </div>
    </header>
  )
}
