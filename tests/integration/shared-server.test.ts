import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { describe, expect, test } from 'vitest'
import { applyMigrations } from '../../app/db/migrate'
import { freshDatabase } from '../helpers/database'

// One server, two Quotebook databases (staging beside production, or any shared Postgres), each
// with its own owner, as Neon makes them. Neither owner may reach the other's quotes.

const serverUrl = process.env.DATABASE_URL
const quiet = { onnotice: () => {} }

describe('a database on a server shared with other databases', () => {
  test('PUBLIC cannot connect to it once migrated', async () => {
    const database = await freshDatabase()
    try {
      await applyMigrations({ databaseUrl: database.url, log: () => {} })
      const client = postgres(database.url, { max: 1, ...quiet })
      try {
        const [row] = await client`
          select has_database_privilege('public', current_database(), 'CONNECT') as public_connects`
        expect(row).toEqual({ public_connects: false })
      } finally {
        await client.end()
      }
    } finally {
      await database.drop()
    }
  })

  test.skipIf(serverUrl === undefined)(
    "another database's owner cannot connect to it, so reads and deletes none of its rows (Postgres server only: PGlite holds one database)",
    async () => {
      const suffix = randomUUID().replaceAll('-', '').slice(0, 12)
      const admin = postgres(serverUrl!, { max: 1, ...quiet })
      const [version] = await admin<{ major: number }[]>`
        select current_setting('server_version_num')::int / 10000 as major`
      const major = version!.major
      const made: { database: string; owner: string }[] = []
      const urlFor = (owner: string, database: string) => {
        const url = new URL(serverUrl!)
        url.username = owner
        url.pathname = `/${database}`
        return url.toString()
      }
      // As Neon's console makes them: every role a member of one group (neon_superuser), to
      // which each new database grants ALL.
      const group = `quotebook_t_${suffix}_group`
      try {
        await admin.unsafe(`create role ${group} nologin`)
        for (const side of ['a', 'b']) {
          const owner = `quotebook_t_${suffix}_${side}`
          const database = `quotebook_t_${suffix}_${side}`
          await admin.unsafe(`create role ${owner} login createdb createrole in role ${group}`)
          await admin.unsafe(`alter role ${owner} bypassrls`).catch(() => {})
          // To make a database for a role, its maker must be able to become that role.
          await admin.unsafe(`grant ${owner} to current_user${major >= 16 ? ' with set true' : ''}`)
          await admin.unsafe(`create database ${database} owner ${owner}`)
          made.push({ database, owner })
          // Neon's grant, as its owner's (a superuser's grant is recorded as the owner's).
          await admin.unsafe(`set role ${owner}`)
          await admin.unsafe(`grant all on database ${database} to ${group}`)
          await admin.unsafe('reset role')
          if (major >= 16) {
            // 00003 grants quotebook_app, and 00005 authenticated and anonymous, to the owner
            // only where the owner may: here the roles belong to whoever first migrated on this
            // server (each migration fails naming the GRANT it needs). Where they do not exist
            // yet, the first owner makes them and grants itself.
            for (const role of ['quotebook_app', 'authenticated', 'anonymous']) {
              await admin
                .unsafe(`grant ${role} to ${owner} with inherit false, set true`)
                .catch(() => {})
            }
          }
          await applyMigrations({ databaseUrl: urlFor(owner, database), log: () => {} })
        }
        const [a, b] = made as [(typeof made)[0], (typeof made)[0]]
        const ownerA = postgres(urlFor(a.owner, a.database), { max: 1, ...quiet })
        try {
          // As the app writes it: as quotebook_app, for one user.
          await ownerA.begin(async (tx) => {
            await tx`select set_config('role', 'quotebook_app', true),
                            set_config('app.user_id', 'user_a', true)`
            await tx`insert into user_messages (user_id, message) values ('user_a', 'A’s quote')`
          })
        } finally {
          await ownerA.end()
        }

        // B's owner, at A's database: refused before any statement.
        const intruder = postgres(urlFor(b.owner, a.database), { max: 1, ...quiet })
        try {
          const attempt = await intruder`select user_id, message from user_messages`.catch(
            (error: unknown) => error,
          )
          expect(attempt).toMatchObject({ code: '42501' })
          expect(String((attempt as Error).message)).toMatch(/permission denied for database/)
        } finally {
          await intruder.end()
        }
        // A's own owner still connects, and the row is there for its user.
        const again = postgres(urlFor(a.owner, a.database), { max: 1, ...quiet })
        try {
          const rows = await again.begin(async (tx) => {
            await tx`select set_config('role', 'quotebook_app', true),
                            set_config('app.user_id', 'user_a', true)`
            return tx`select message from user_messages`
          })
          expect([...rows]).toEqual([{ message: 'A’s quote' }])
        } finally {
          await again.end()
        }
      } finally {
        for (const { database, owner } of made) {
          await admin.unsafe(`drop database if exists ${database} with (force)`)
          await admin.unsafe(`drop owned by ${owner}`).catch(() => {})
          await admin.unsafe(`drop role if exists ${owner}`).catch(() => {})
        }
        await admin.unsafe(`drop role if exists ${group}`).catch(() => {})
        await admin.end()
      }
    },
  )
})
