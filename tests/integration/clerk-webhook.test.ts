import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import { localUserId } from '../../app/auth/local-identity.server'
import { appHandler, cookieHeader, ORIGIN } from '../helpers/app'
import { signIn } from '../helpers/users'
import { storedQuote } from '../helpers/quotes'

// A test signing secret; each delivery below is signed here exactly as Svix signs Clerk's.
const secretBytes = randomBytes(24)
process.env.CLERK_WEBHOOK_SIGNING_SECRET = `whsec_${secretBytes.toString('base64')}`

let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

function delivery(
  event: object,
  { timestamp = Math.floor(Date.now() / 1000), secret = secretBytes, omit = '' } = {},
) {
  const id = `msg_${randomUUID()}`
  const body = JSON.stringify(event)
  const signature = createHmac('sha256', secret)
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64')
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(timestamp),
    'svix-signature': `v1,${signature}`,
  }
  delete headers[omit]
  return new Request(`${ORIGIN}/api/webhooks/clerk`, { method: 'POST', body, headers })
}

const userDeleted = (userId: string) => ({
  type: 'user.deleted',
  object: 'event',
  data: { id: userId, deleted: true, object: 'user' },
})

async function userWithQuote() {
  const user = await signIn(handle, ORIGIN)
  const save = new Request(`${ORIGIN}/edit`, {
    method: 'POST',
    body: new URLSearchParams({ quote: 'Mine until I leave' }),
    headers: {
      Cookie: cookieHeader(user.cookies),
    },
  })
  expect((await handle(save)).status).toBe(303)
  return { ...user, userId: localUserId(user.email) }
}

describe('POST /api/webhooks/clerk', () => {
  test('user.deleted deletes that user’s quote, and again is still fine', async () => {
    const { email, userId } = await userWithQuote()
    const other = await userWithQuote()
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await handle(delivery(userDeleted(userId)))
      expect(response.status).toBe(200)
      expect(await storedQuote(email)).toBeNull()
    }
    expect(await storedQuote(other.email)).toBe('Mine until I leave')
  })

  test.each([
    ['a signature made with another secret', { secret: randomBytes(24) }],
    ['no svix-signature header', { omit: 'svix-signature' }],
    ['no svix-id header', { omit: 'svix-id' }],
    ['no svix-timestamp header', { omit: 'svix-timestamp' }],
    ['a timestamp ten minutes old', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
    ['a timestamp ten minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 600 }],
  ])('%s gets a 400 and deletes nothing', async (_, options) => {
    const { email, userId } = await userWithQuote()
    const response = await handle(delivery(userDeleted(userId), options))
    expect(response.status).toBe(400)
    expect(await storedQuote(email)).toBe('Mine until I leave')
  })

  test('a body altered after signing gets a 400', async () => {
    const { email, userId } = await userWithQuote()
    const signed = delivery(userDeleted('user_someone_else'))
    const forged = new Request(signed.url, {
      method: 'POST',
      headers: signed.headers,
      body: JSON.stringify(userDeleted(userId)),
    })
    expect((await handle(forged)).status).toBe(400)
    expect(await storedQuote(email)).toBe('Mine until I leave')
  })

  test('other event types get a 200 and change nothing', async () => {
    const { email, userId } = await userWithQuote()
    const response = await handle(
      delivery({ type: 'user.updated', object: 'event', data: { id: userId, object: 'user' } }),
    )
    expect(response.status).toBe(200)
    expect(await storedQuote(email)).toBe('Mine until I leave')
  })

  // Signed, so Clerk's, but naming no user this app could act on: no retry would help, so each
  // is answered 200 in the webhook's words (a 5xx had Svix retry it for ever) and changes nothing.
  test.each([
    ['data: null', { type: 'user.deleted', data: null }],
    ['no data', { type: 'user.deleted' }],
    ['an id that is a number', { type: 'user.deleted', data: { id: 42 } }],
    ['an id with a NUL', { type: 'user.deleted', data: { id: 'user_a\u0000b' } }],
    ['an id that is not a user id', { type: 'user.deleted', data: { id: "user_x' or 1=1" } }],
  ])('user.deleted with %s gets a 200 that says nothing was deleted', async (_, event) => {
    const { email } = await userWithQuote()
    const response = await handle(delivery(event))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ received: true, deleted: false })
    expect(await storedQuote(email)).toBe('Mine until I leave')
  })

  test('a signed body that is null is no event: a 400 in the webhook’s words', async () => {
    const { email } = await userWithQuote()
    const response = await handle(delivery(null as unknown as object))
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'The delivery could not be verified as a Clerk event.',
    })
    expect(await storedQuote(email)).toBe('Mine until I leave')
  })

  test('a body over 64 KB gets a 413', async () => {
    const response = await handle(delivery({ type: 'user.updated', padding: 'x'.repeat(70_000) }))
    expect(response.status).toBe(413)
    // The webhook's own answer, not React Router's `{"message":"Unexpected Server Error"}`.
    expect(await response.text()).toBe('Payload Too Large\n')
  })
})
