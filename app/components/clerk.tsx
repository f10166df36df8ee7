import { lazy } from 'react'

/**
 * Clerk's React components, loaded only when rendered. They are rendered only in Clerk mode, so
 * local mode's pages never download Clerk's SDK; in Clerk mode the server renders them as usual
 * and the browser fetches their chunk while it hydrates.
 */
const clerk = () => import('@clerk/react-router')

export const ClerkProvider = lazy(() =>
  clerk().then((module) => ({ default: module.ClerkProvider })),
)

export const SignIn = lazy(() => clerk().then((module) => ({ default: module.SignIn })))

export const SignUp = lazy(() => clerk().then((module) => ({ default: module.SignUp })))

/**
 * Clerk's user menu with the user's name. Until Clerk's browser SDK has loaded (and always,
 * without JavaScript) it is the name from the session token, rendered by the server.
 */
export const ClerkUserMenu = lazy(() =>
  clerk().then(({ ClerkLoaded, ClerkLoading, Show, UserButton }) => ({
    default: ({ fallback }: { fallback: React.ReactNode }) => (
      <>
        <ClerkLoading>{fallback}</ClerkLoading>
        <ClerkLoaded>
          <Show when="signed-in">
            <UserButton showName />
          </Show>
        </ClerkLoaded>
      </>
    ),
  })),
)
