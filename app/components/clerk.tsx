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

/** Clerk's user menu, shown while signed in. */
export const ClerkUserButton = lazy(() =>
  clerk().then(({ Show, UserButton }) => ({
    default: () => (
      <Show when="signed-in">
        <UserButton />
      </Show>
    ),
  })),
)
