import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { startEmbeddedPostgres } from '../../app/db/embedded.server'

export interface FreshDatabase {
  url: string
  /** Which kind of server it is, for test names. */
  kind: 'postgres' | 'pglite'
  drop(): Promise<void>
}

/**
 * A new, empty database. With DATABASE_URL set, a new database on that server, made by and
 * owned by DATABASE_URL's user; otherwise a new in-memory PGlite served on a free loopback port,
 * as the embedded database is, with the same Neon-shaped owner.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (serverUrl) {
    const name = `quotebook_test_${randomUUID().replaceAll('-', '')}`
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name}`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    return {
      url: url.toString(),
      kind: 'postgres',
      drop: async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`)
        await admin.end()
      },
    }
  }
  const embedded = await startEmbeddedPostgres()
  return { url: embedded.url, kind: 'pglite', drop: embedded.close }
}
