import { verifyWebhook } from '@clerk/react-router/webhooks'
import { z } from 'zod'
import { databaseFailure } from '../db/errors.server'
import { requestDeadline } from '../db/client.server'
import { deleteQuote } from '../db/user-messages.server'
import { env } from '../env.server'
import { readBody } from '../http/form.server'
import { logLine } from '../http/log.server'
import { requestIdOf } from '../http/request-context.server'
import { resourceError } from '../http/route-error.server'
import type { Route } from './+types/clerk-webhook'

const WEBHOOK_MAX_BYTES = 64 * 1024

// Clerk sends other events too; only a deleted user's concerns the quotes.
const aboutDeletedUser = z.object({ type: z.literal('user.deleted') })
/** The user it names: an id such as Clerk's `user_2abc…`, or the local issuer's. */
const deletedUser = z.object({
  data: z.object({ id: z.string().regex(/^user_[A-Za-z0-9_]{1,200}$/) }),
})

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
    // Clerk's verifyWebhook throws alike for a bad signature and for a signed body it cannot
    // read an event's type from (`null`).
    return Response.json(
      { error: 'The delivery could not be verified as a Clerk event.' },
      { status: 400 },
    )
  }
  if (!aboutDeletedUser.safeParse(event).success) return Response.json({ received: true })
  const deleted = deletedUser.safeParse(event)
  if (!deleted.success) {
    // Signed, so it is Clerk's, but no retry can make it usable: a 2xx ends Svix's retries.
    logLine('warn', {
      requestId: requestIdOf(context),
      message: 'webhook: user.deleted names no user id; nothing deleted',
    })
    return Response.json({
      received: true,
      deleted: false,
      reason: 'The user.deleted event names no user id, so there is nothing to delete.',
    })
  }
  try {
    // For no signed-in user, so with no token: through the owner's switch to quotebook_app.
    await deleteQuote(
      { id: deleted.data.data.id, sessionToken: null },
      undefined,
      requestDeadline({ context }),
    )
  } catch (error) {
    // Svix retries a delivery that fails, so the deletion happens once the database is back.
    const { status } = databaseFailure(error, { context, request }, 'deleted')
    return Response.json(
      { error: 'The deletion could not be made now.' },
      { status: status === 503 ? 503 : 500 },
    )
  }
  return Response.json({ received: true })
}

export function loader() {
  return resourceError(404)
}
