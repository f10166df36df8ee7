import { Suspense } from 'react'
import { data, Form, redirect, useNavigation } from 'react-router'
import { safeRedirectPath } from '../auth/redirect'
import { readForm } from '../http/form.server'
import { type SignInFormErrors, signInForm } from '../auth/sign-in-form'
import { mintSessionToken, sessionCookies } from '../auth/local-identity.server'
import { appOrigin, authMode, issuer, secureCookies, sessionUser } from '../auth/session.server'
import { SignIn } from '../components/clerk'
import type { Route } from './+types/sign-in'

export function meta(): Route.MetaDescriptors {
  return [{ title: 'Sign in · Quotebook' }]
}

export async function loader(args: Route.LoaderArgs) {
  const redirectUrl = safeRedirectPath(new URL(args.request.url).searchParams.get('redirect_url'))
  // Already signed in (in Clerk mode, perhaps just now, by the refresh on this GET): go on.
  if (await sessionUser(args)) throw redirect(redirectUrl)
  return { authMode, redirectUrl }
}

export async function action({ request }: Route.ActionArgs) {
  // Clerk mode signs in through Clerk's own components; this endpoint does not exist there.
  if (!issuer) throw data('Not found', { status: 404 })
  const form = Object.fromEntries(await readForm(request))
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
  const session = mintSessionToken(issuer, { email, name, origin: appOrigin(request) })
  const headers = new Headers()
  for (const cookie of sessionCookies(session, { secure: secureCookies(request) })) {
    headers.append('Set-Cookie', cookie)
  }
  return redirect(safeRedirectPath(redirect_url), { status: 303, headers })
}

export default function SignInPage({ loaderData, actionData }: Route.ComponentProps) {
  if (loaderData.authMode === 'clerk') {
    return (
      <main className="flex justify-center px-4 py-12">
        <Suspense fallback={null}>
          <SignIn />
        </Suspense>
      </main>
    )
  }
  return <LocalSignIn redirectUrl={loaderData.redirectUrl} result={actionData} />
}

/** A labelled input with its error beneath it, tied together for assistive technology. */
function TextField({
  name,
  type,
  label,
  optional = false,
  required = false,
  defaultValue,
  error,
}: {
  name: 'email' | 'name'
  type: 'email' | 'text'
  label: string
  optional?: boolean
  required?: boolean
  defaultValue?: string
  error?: string
}) {
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium">
        {label}
        {optional && (
          <span className="font-normal text-gray-600 dark:text-gray-400"> (optional)</span>
        )}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={name}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        className={field}
      />
      {error && (
        <p
          id={`${name}-error`}
          role="alert"
          className="mt-1 text-sm text-red-700 dark:text-red-400"
        >
          {error}
        </p>
      )}
    </div>
  )
}

const field =
  'mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-base text-gray-900 ' +
  'focus:border-gray-900 focus:outline-none focus:ring-2 focus:ring-[#00E699] aria-[invalid=true]:border-red-600 ' +
  'dark:border-gray-600 dark:bg-gray-900 dark:text-gray-100'

function LocalSignIn({
  redirectUrl,
  result,
}: {
  redirectUrl: string
  result?: { errors: SignInFormErrors; values: { email: string; name: string } }
}) {
  const navigation = useNavigation()
  const errors = result?.errors ?? {}
  return (
    <main className="mx-auto w-full max-w-sm px-4 py-12">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      <p className="mt-2 text-sm text-gray-600 dark:text-gray-300">
        Local sign-in for development: no password, no account. The same email is always the same
        user.
      </p>
      <Form method="post" action="/sign-in" className="mt-6 space-y-4" noValidate>
        <input type="hidden" name="redirect_url" value={redirectUrl} />
        <TextField
          name="email"
          type="email"
          label="Email"
          defaultValue={result?.values.email}
          error={errors.email}
          required
        />
        <TextField
          name="name"
          type="text"
          label="Name"
          optional
          defaultValue={result?.values.name}
          error={errors.name}
        />
        <button
          type="submit"
          disabled={navigation.state === 'submitting'}
          className="w-full rounded-md bg-[#00E699] px-4 py-2 font-semibold text-gray-950 hover:bg-[#00cc88] focus:outline-none focus:ring-2 focus:ring-gray-900 disabled:opacity-60"
        >
          Sign in
        </button>
      </Form>
    </main>
  )
}
