import { getAuth } from '@clerk/react-router/server'
import { Form, redirect, useLoaderData } from 'react-router'
import type { ActionFunctionArgs, LoaderFunctionArgs } from 'react-router'
import { sql } from '../db.server'

// Neon's guide, in React Router's terms: the signed-in user's message, read and saved with one
// statement each, filtered by the user's id (no row-level security).
export async function loader(args: LoaderFunctionArgs) {
  const { userId } = await getAuth(args)
  if (!userId) throw redirect('/sign-in')
  const rows = await sql`select message from user_messages where user_id = ${userId}`
  return { message: (rows[0]?.message as string | undefined) ?? null }
}

export async function action(args: ActionFunctionArgs) {
  const { userId } = await getAuth(args)
  if (!userId) throw redirect('/sign-in')
  const form = await args.request.formData()
  // The field is Quotebook's name for it, so that the bench sends both apps the same form.
  const message = String(form.get('quote') ?? '')
  await sql`insert into user_messages (user_id, message) values (${userId}, ${message})
    on conflict (user_id) do update set message = excluded.message`
  // 303, as Quotebook answers a save (React Router's default, 302, costs the same).
  return redirect('/', 303)
}

export default function Home() {
  const { message } = useLoaderData<typeof loader>()
  return (
    <>
      <h1>{message ?? 'No message yet'}</h1>
      <Form method="post">
        <input name="quote" defaultValue={message ?? ''} />
        <button type="submit">Save</button>
      </Form>
    </>
  )
}
