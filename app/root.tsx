import { ClerkProvider } from '@clerk/react-router'
import { rootAuthLoader } from '@clerk/react-router/server'
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration } from 'react-router'
import { authMiddleware, authMode, sessionUser } from './auth/session.server'
import { SiteHeader } from './components/site-header'
import type { Route } from './+types/root'
import './app.css'

// clerkMiddleware() verifies the session of every request (see auth/session.server.ts).
export const middleware: Route.MiddlewareFunction[] = authMiddleware

export function loader(args: Route.LoaderArgs) {
  return rootAuthLoader(args, async () => ({ authMode, user: await sessionUser(args) }))
}

export const links: Route.LinksFunction = () => [
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen bg-white text-gray-900 antialiased dark:bg-gray-950 dark:text-gray-100">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  )
}

export default function App({ loaderData }: Route.ComponentProps) {
  const page = (
    <>
      <SiteHeader authMode={loaderData.authMode} user={loaderData.user} />
      <Outlet />
    </>
  )
  // Clerk's browser SDK loads only in Clerk mode; local mode's page never leaves this origin.
  if (loaderData.authMode === 'clerk') {
    return <ClerkProvider loaderData={loaderData}>{page}</ClerkProvider>
  }
  return page
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  let title = 'Something went wrong'
  let message = 'An unexpected error occurred. Please try again.'
  let stack: string | undefined
  if (isRouteErrorResponse(error)) {
    title = error.status === 404 ? 'Page not found' : `Error ${error.status}`
    message =
      error.status === 404
        ? 'The page you asked for does not exist.'
        : typeof error.data === 'string' && error.data !== ''
          ? error.data
          : error.statusText
  } else if (import.meta.env.DEV && error instanceof Error) {
    message = error.message
    stack = error.stack
  }
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <title>{`${title} · Quotebook`}</title>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-4 text-gray-600 dark:text-gray-300">{message}</p>
      {stack && <pre className="mt-4 overflow-x-auto text-xs">{stack}</pre>}
      <p className="mt-8">
        <a className="underline" href="/">
          Back to Quotebook
        </a>
      </p>
    </main>
  )
}
