import { Suspense } from 'react'
import { redirect } from 'react-router'
import { authMode } from '../env.server'
import { SignUp } from '../components/clerk'
import type { Route } from './+types/sign-up'

export function meta(): Route.MetaDescriptors {
  return [{ title: 'Sign up · Quotebook' }]
}

// Local sign-in makes the account on first use, so local mode has no separate sign-up.
export function loader({ url }: Route.LoaderArgs) {
  if (authMode === 'local') throw redirect(`/sign-in${url.search}`)
  return null
}

export default function SignUpPage() {
  return (
    <main className="flex justify-center px-4 py-12">
      <Suspense fallback={null}>
        <SignUp />
      </Suspense>
    </main>
  )
}
