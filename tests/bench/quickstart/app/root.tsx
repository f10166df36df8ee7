import { ClerkProvider, Show, SignInButton, UserButton } from '@clerk/react-router'
import { clerkMiddleware, rootAuthLoader } from '@clerk/react-router/server'
import type { LoaderFunctionArgs, MiddlewareFunction } from 'react-router'
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration } from 'react-router'
import { useLoaderData } from 'react-router'

// Clerk's React Router quickstart: its middleware, its root loader and its provider, on React
// Router's template.
export const middleware: MiddlewareFunction<Response>[] = [clerkMiddleware()]

export async function loader(args: LoaderFunctionArgs) {
  return rootAuthLoader(args)
}

export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  )
}

export default function App() {
  const loaderData = useLoaderData<typeof loader>()
  return (
    <ClerkProvider loaderData={loaderData}>
      <header>
        <Show when="signed-out">
          <SignInButton />
        </Show>
        <Show when="signed-in">
          <UserButton />
        </Show>
      </header>
      <main>
        <Outlet />
      </main>
    </ClerkProvider>
  )
}

export function ErrorBoundary({ error }: { error: unknown }) {
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : 'Error'
  return (
    <main>
      <h1>{message}</h1>
    </main>
  )
}
