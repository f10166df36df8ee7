import { rootAuthLoader } from '@clerk/react-router/server'
import { useEffect, useRef } from 'react'
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  type ShouldRevalidateFunctionArgs,
  useLocation,
  useMatches,
  useRouteLoaderData,
} from 'react-router'
import { withoutClerkDiagnostics } from './auth/clerk-state.server'
import { authMiddleware, sessionUser } from './auth/session-user.server'
import { ClerkProvider } from './components/clerk'
import { ErrorPage, errorTitle } from './components/error-page'
import { useNonce } from './components/nonce'
import { SiteHeader } from './components/site-header'
import { authMode } from './env.server'
import { requestIdOf } from './http/request-context.server'
import type { Route } from './+types/root'
import './app.css'

// clerkMiddleware() verifies the session of every request (see auth/session-user.server.ts); the
// server (app/server.ts) has given the request its identity and refused what no route takes.
export const middleware: Route.MiddlewareFunction[] = [...authMiddleware]

export async function loader(args: Route.LoaderArgs) {
  // Without a callback: with one, Clerk builds another auth object (and Backend API client) to
  // hand it, and the user is already known (auth/session-user.server.ts). The result is the same
  // `clerkState` that <ClerkProvider> reads.
  const { clerkState } = (await rootAuthLoader(args)) as { clerkState: unknown }
  return {
    clerkState: withoutClerkDiagnostics(clerkState),
    authMode,
    user: sessionUser(args),
    requestId: requestIdOf(args.context),
  }
}

// The quote's pages, between which a move asks the server nothing (routes/quote/layout.tsx).
const quotePages = new Set(['/', '/edit', '/delete'])

export function shouldRevalidate(args: ShouldRevalidateFunctionArgs) {
  // Between the quote's pages this data stays, so the move works offline and a prefetching link
  // fetches nothing. Any other move reloads it: Clerk's components sign in and out with one, and
  // the header must then show who is signed in.
  const { currentUrl, nextUrl, formMethod } = args
  if (formMethod === undefined && quotePages.has(currentUrl.pathname)) {
    return !quotePages.has(nextUrl.pathname) || currentUrl.search !== nextUrl.search
  }
  return formMethod === undefined ? true : args.defaultShouldRevalidate
}

export function meta({ error }: Route.MetaArgs): Route.MetaDescriptors {
  return error ? [{ title: errorTitle(error) }] : [{ title: 'Quotebook' }]
}

export const links: Route.LinksFunction = () => [
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce()
  useEffect(() => {
    // Marks the moment the page, an error page too, is interactive; the e2e tests of
    // JavaScript-only behaviour wait for it.
    document.documentElement.dataset.hydrated = 'true'
  }, [])
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        {/* Stylesheets come from 'self' and need no nonce; an empty one keeps <ServerRouter nonce>
            off the <link>, where the browser would not hide it and hydration would differ. */}
        <Links nonce="" />
      </head>
      <body className="min-h-screen bg-white text-gray-900 antialiased dark:bg-gray-950 dark:text-gray-100">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App({ loaderData }: Route.ComponentProps) {
  const nonce = useNonce()
  useFocusOnNewPage()
  const page = (
    <>
      <SiteHeader authMode={loaderData.authMode} user={loaderData.user} />
      <Outlet />
    </>
  )
  // Clerk's browser SDK loads only in Clerk mode; local mode's page never leaves this origin.
  if (loaderData.authMode === 'clerk') {
    return (
      <ClerkProvider loaderData={loaderData} nonce={nonce || undefined}>
        {page}
      </ClerkProvider>
    )
  }
  return page
}

/**
 * After a client-side move to another page (signing in or out, say), focus goes to the new page's
 * heading, as a page load would start a screen reader from the top; left alone it falls to
 * `body`. Not on the first page, not between pages of a layout whose pages focus themselves
 * (its route's `handle` says `focusesItself`), and not when the new page has focused a field of
 * its own (the sign-in page's email), which React's autoFocus does before this runs.
 */
function useFocusOnNewPage() {
  const { pathname } = useLocation()
  const focusesItself = useMatches().some(
    (match) => (match.handle as { focusesItself?: boolean } | undefined)?.focusesItself,
  )
  const shown = useRef({ pathname, focusesItself })
  useEffect(() => {
    const previous = shown.current
    if (previous.pathname === pathname) return
    shown.current = { pathname, focusesItself }
    if (previous.focusesItself && focusesItself) return
    if (document.querySelector('main')?.contains(document.activeElement)) return
    document.querySelector<HTMLElement>('main h1')?.focus()
  }, [pathname, focusesItself])
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  // The header too, when the root's data is there (a 404, say): the page is still Quotebook's.
  const data = useRouteLoaderData<typeof loader>('root')
  return (
    <>
      {data && <SiteHeader authMode={data.authMode} user={data.user} menu={false} />}
      <ErrorPage error={error} />
    </>
  )
}
