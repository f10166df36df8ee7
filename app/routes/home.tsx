import { requireUserId } from '../auth/session.server'
import { countQuotes } from '../db/user-messages.server'
import type { Route } from './+types/home'

export function meta(): Route.MetaDescriptors {
  return [{ title: 'Quotebook' }]
}

export async function loader(args: Route.LoaderArgs) {
  await requireUserId(args)
  return { quotes: await countQuotes() }
}

export default function Home({ loaderData }: Route.ComponentProps) {
  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col items-center justify-center px-4 text-center">
      <h1 className="text-4xl font-bold">Quotebook</h1>
      <p className="mt-4 text-gray-600 dark:text-gray-300">
        Save an inspiring quote for yourself. The database holds{' '}
        <span data-testid="quote-count">{loaderData.quotes}</span>{' '}
        {loaderData.quotes === 1 ? 'quote' : 'quotes'}.
      </p>
    </main>
  )
}
