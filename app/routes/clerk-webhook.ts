import { verifyWebhook } from '@clerk/react-router/webhooks'
import { databaseFailure } from '../db/errors.server'
import { requestDeadline } from '../db/client.server'
import { deleteQuote } from '../db/user-messages.server'
import { env } from '../env.server'
import { readBody } from '../http/form.server'
import { resourceError } from '../http/route-error.server'
import type { Route } from './+types/clerk-webhook'

const WEBHOOK_MAX_BYTES = 64 * 1024

/**
 * Clerk's webhook: when a user is deleted in Clerk, their quote goes too. Register
 * https://<your app>/api/webhooks/clerk in Clerk's dashboard for `user.deleted`, and set
 * CLERK_WEBHOOK_SIGNING_SECRET to its signing secret. Svix signs each delivery; verifyWebhook
 * checks the signature and the timestamp's tolerance.
 */
export async function action({ request, context }: Route.ActionArgs) {
  const signingSecret = env.CLERK_WEBHOOK_SIGNING_SECRET
  if (signingSecret === undefined) return resourceError(404)
  const body = await readBody(request, WEBHOOK_MAX_BYTES, { forResource: true })
  const delivery = new Request(request.url, {
    method: 'POST',
    headers: request.headers,
    body: new TextDecoder().decode(body),
  })
  let event: Awaited<ReturnType<typeof verifyWebhook>>
  try {
    event = await verifyWebhook(delivery, { signingSecret })
  } catch {
    return Response.json({ error: 'The webhook signature could not be verified.' }, { status: 400 })
  }
  if (event.type === 'user.deleted' && typeof event.data.id === 'string') {
    try {
      await deleteQuote(event.data.id, undefined, requestDeadline({ context }))
    } catch (error) {
      // Svix retries a delivery that fails, so the deletion happens once the database is back.
      const { status } = databaseFailure(error, { context, request }, 'deleted')
      return Response.json(
        { error: 'The deletion could not be made now.' },
        { status: status === 503 ? 503 : 500 },
      )
    }
  }
  return Response.json({ received: true })
}

export function loader() {
  return resourceError(404)
}
