import { randomUUID } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import postgres from 'postgres'

export interface FreshDatabase {
  url: string
  /** Which kind of server it is, for test names. */
  kind: 'postgres' | 'pglite'
  drop(): Promise<void>
}

/**
 * A new, empty database. With DATABASE_URL set, a new database on that server; otherwise a new
 * in-memory PGlite served on a free loopback port, as the embedded database is.
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
  const db = await PGlite.create()
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 })
  await server.start()
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres?max=1`,
    kind: 'pglite',
    drop: async () => {
      await server.stop()
      await db.close()
    },
  }
}
