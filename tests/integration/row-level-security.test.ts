import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { asUser, newDeadline, sql } from '../../app/db/client.server'

// The test connects as a superuser (PGlite's only user; `postgres` on our server), which bypasses
// row-level security whatever FORCE says. Each check therefore assumes quotebook_app first, as
// the app does.
const a = `rls-a-${randomUUID()}`
const b = `rls-b-${randomUUID()}`
// Through the app's role switch, which a statement without a session token takes.
const asA = { id: a, sessionToken: null }

beforeAll(async () => {
  await sql`insert into user_messages (user_id, message) values (${a}, 'A’s quote'), (${b}, 'B’s quote')`
})
afterAll(async () => {
  await sql`delete from user_messages where user_id in (${a}, ${b})`
})

const stored = async (userId: string) =>
  (await sql`select message from user_messages where user_id = ${userId}`)[0]?.message

describe('row-level security on user_messages', () => {
  test('as quotebook_app with no user id set, no row is visible and none can be written', async () => {
    const [, rows] = await sql.transaction([
      sql`select set_config('role', 'quotebook_app', true)`,
      sql`select user_id from user_messages where user_id in (${a}, ${b})`,
    ])
    expect(rows).toEqual([])
    const insert = await sql
      .transaction([
        sql`select set_config('role', 'quotebook_app', true)`,
        sql`insert into user_messages (user_id, message) values (${`rls-c-${randomUUID()}`}, 'sneaky')`,
      ])
      .catch((error: unknown) => error)
    expect(insert).toMatchObject({ code: '42501' })
  })

  test('as A, hand-written statements about B touch nothing', async () => {
    expect(
      await asUser(asA, newDeadline(), sql`select user_id from user_messages where user_id = ${b}`),
    ).toEqual([])
    expect(
      await asUser(
        asA,
        newDeadline(),
        sql`update user_messages set message = 'hacked' where user_id = ${b} returning user_id`,
      ),
    ).toEqual([])
    expect(
      await asUser(
        asA,
        newDeadline(),
        sql`delete from user_messages where user_id = ${b} returning user_id`,
      ),
    ).toEqual([])
    expect(await asUser(asA, newDeadline(), sql`select user_id from user_messages`)).toEqual([
      { user_id: a },
    ])
    expect(await stored(b)).toBe('B’s quote')
  })

  test('as A, inserting a row for B fails with 42501', async () => {
    await sql`delete from user_messages where user_id = ${b}`
    const error = await asUser(
      asA,
      newDeadline(),
      sql`insert into user_messages (user_id, message) values (${b}, 'forged')`,
    ).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: '42501' })
    expect(await stored(b)).toBeUndefined()
    await sql`insert into user_messages (user_id, message) values (${b}, 'B’s quote')`
  })

  test('as A, moving A’s row to B is refused with 42501', async () => {
    // With B's row gone, only row-level security stands in the way (no primary-key clash).
    await sql`delete from user_messages where user_id = ${b}`
    const error = await asUser(
      asA,
      newDeadline(),
      sql`update user_messages set user_id = ${b} where user_id = ${a}`,
    ).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: '42501' })
    expect(await stored(a)).toBe('A’s quote')
    expect(await stored(b)).toBeUndefined()
    await sql`insert into user_messages (user_id, message) values (${b}, 'B’s quote')`
  })

  test('quotebook_app cannot log in, does not bypass row-level security, and owns nothing', async () => {
    const [role] = await sql`
      select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'quotebook_app'`
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false })
    const [owned] = await sql`
      select (select count(*) from pg_class where relowner = 'quotebook_app'::regrole)
           + (select count(*) from pg_namespace where nspowner = 'quotebook_app'::regrole)
           + (select count(*) from pg_proc where proowner = 'quotebook_app'::regrole) as objects`
    expect(owned).toEqual({ objects: '0' })
  })

  test('user_messages has row-level security enabled and forced', async () => {
    const [table] = await sql`
      select relrowsecurity, relforcerowsecurity from pg_class where oid = 'user_messages'::regclass`
    expect(table).toEqual({ relrowsecurity: true, relforcerowsecurity: true })
  })
})
