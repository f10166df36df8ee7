import { beforeAll, describe, expect, test } from 'vitest'
import { localUserId } from '../../app/auth/local-identity.server'
import { sql } from '../../app/db/client.server'
import { appHandler, cookieHeader, ORIGIN, post } from '../helpers/app'
import { signIn } from '../helpers/users'
import { storedQuote } from '../helpers/quotes'

// Bounded load through the real request handler: no timing is asserted, only outcomes.
let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

describe('under load', () => {
  test('200 concurrent saves from one user: one row, one of the texts, no 5xx', async () => {
    const { email, cookies } = await signIn(handle, ORIGIN)
    const texts = Array.from({ length: 200 }, (_, index) => `save number ${index}`)
    const responses = await Promise.all(
      texts.map((quote) => handle(post('/edit', { quote }, cookies))),
    )
    expect(responses.filter((response) => response.status >= 500)).toEqual([])
    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([303]))
    const rows = await sql`select message from user_messages where user_id = ${localUserId(email)}`
    expect(rows).toHaveLength(1)
    expect(texts).toContain(rows[0]!.message)
  })

  test('20 users, 50 mixed operations each: every final row is the last write acknowledged', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => signIn(handle, ORIGIN)))
    const statuses: number[] = []
    const lastAcknowledged = await Promise.all(
      users.map(async ({ cookies }, userIndex) => {
        let last: string | null = null
        for (let step = 0; step < 50; step++) {
          // A fixed, varied pattern: mostly saves, some deletes, some page loads.
          const kind = (userIndex * 7 + step * 3) % 10
          if (kind < 6) {
            const quote = `user ${userIndex} step ${step}`
            const response = await handle(post('/edit', { quote }, cookies))
            statuses.push(response.status)
            if (response.status === 303) last = quote
          } else if (kind < 8) {
            const response = await handle(post('/delete', {}, cookies))
            statuses.push(response.status)
            if (response.status === 303) last = null
          } else {
            const response = await handle(
              new Request('http://localhost/', {
                headers: {
                  Cookie: cookieHeader(cookies),
                },
              }),
            )
            statuses.push(response.status)
          }
        }
        return last
      }),
    )
    expect(statuses.filter((status) => status >= 500)).toEqual([])
    expect(statuses).toHaveLength(1000)
    const finals = await Promise.all(users.map(({ email }) => storedQuote(email)))
    expect(finals).toEqual(lastAcknowledged)
  })
})
