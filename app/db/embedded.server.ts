import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { applyMigrations } from './migrate'

/**
 * The embedded database for development and tests: PGlite, served on 127.0.0.1 at a free port
 * through pglite-socket, so the app reaches it exactly as it reaches a local Postgres server.
 */
export interface EmbeddedDatabase {
  /** A connection string for postgres.js or the local transport. */
  url: string
  close(): Promise<void>
}

export const IN_MEMORY = 'memory://'

// PGlite is one Postgres backend: every socket connection shares its session, and messages of
// concurrent connections interleave outside a transaction. `max=1` (read by postgres.js from the
// URL) keeps each client on one connection; the socket still admits a migration runner or psql.
const SOCKET_CONNECTIONS = 8

export class DataDirectoryInUse extends Error {
  override name = 'DataDirectoryInUse'
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes `<dir>/embedded.lock` for this process, or throws naming the process that holds it. */
function lockDataDirectory(directory: string): () => void {
  const lockFile = join(directory, 'embedded.lock')
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' })
      return () => rmSync(lockFile, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const owner = Number.parseInt(readFileSync(lockFile, 'utf8'), 10)
    if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
      throw new DataDirectoryInUse(
        `The embedded database in ${directory} is in use by process ${owner}. ` +
          'Stop that process, or set DATABASE_URL to use another database.',
      )
    }
    // Left behind by a process that has ended (or by this one, before a restart of the module).
    rmSync(lockFile, { force: true })
  }
}

/**
 * The role the app and its migrations use on the embedded database, made as Neon's console makes
 * `neondb_owner`: LOGIN, CREATEROLE, CREATEDB and BYPASSRLS, owner of the database, and not a
 * superuser. Tests and `npm run dev` therefore run under the rules a Neon project imposes (such
 * as Postgres 16's on roles a non-superuser creates), on PGlite's Postgres 18.
 */
export const EMBEDDED_OWNER = 'neondb_owner'

// PGlite is one Postgres session, logged in as its bootstrap superuser. Setting the session's
// authorization makes every connection of the socket the owner; the local transport sets it again
// after Neon's reset, whose `SET SESSION AUTHORIZATION DEFAULT` returns to the superuser. The SQL
// is a constant: no value from outside reaches it.
// A data directory made before owners existed (it has the table but no owner) keeps its
// superuser, so an existing .data keeps working.
const BECOME_OWNER = `
  do $$
  begin
    if to_regclass('public.user_messages') is not null
       and not exists (select from pg_roles where rolname = '${EMBEDDED_OWNER}') then
      return;
    end if;
    if not exists (select from pg_roles where rolname = '${EMBEDDED_OWNER}') then
      execute format('create role ${EMBEDDED_OWNER} login createrole createdb bypassrls password %L',
        replace(gen_random_uuid()::text, '-', ''));
    end if;
    alter database postgres owner to ${EMBEDDED_OWNER};
    set session authorization ${EMBEDDED_OWNER};
  end
  $$`

export interface EmbeddedPostgres {
  /** A connection string for postgres.js or the local transport, as the session's user. */
  url: string
  close(): Promise<void>
}

/**
 * PGlite (in `path`, or in memory) served on 127.0.0.1 at a free port, with the session as
 * EMBEDDED_OWNER. The embedded database is one; each test that needs a database of its own
 * starts another.
 */
export async function startEmbeddedPostgres(path?: string): Promise<EmbeddedPostgres> {
  let db: PGlite | undefined
  let server: PGLiteSocketServer | undefined
  try {
    db = await PGlite.create(path)
    await db.exec(BECOME_OWNER)
    const [{ user } = { user: 'postgres' }] = (
      await db.query<{ user: string }>('select session_user as user')
    ).rows
    server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: SOCKET_CONNECTIONS,
    })
    await server.start()
    const [opened, listening] = [db, server]
    const url = `postgresql://${user}@${listening.getServerConn()}/postgres?max=1`
    return {
      url,
      close: async () => {
        await listening.stop()
        await opened.close()
      },
    }
  } catch (error) {
    await server?.stop().catch(() => {})
    await db?.close().catch(() => {})
    throw error
  }
}

async function start(key: string, dataDir: string, migrate: boolean): Promise<EmbeddedDatabase> {
  let unlock = () => {}
  let pglitePath: string | undefined
  if (dataDir !== IN_MEMORY) {
    const directory = resolve(dataDir)
    mkdirSync(directory, { recursive: true })
    unlock = lockDataDirectory(directory)
    pglitePath = join(directory, 'pglite')
  }
  let postgresServer: EmbeddedPostgres | undefined
  try {
    postgresServer = await startEmbeddedPostgres(pglitePath)
    const { url } = postgresServer
    if (migrate) await applyMigrations({ databaseUrl: url, log: () => {} })
    let closing: Promise<void> | undefined
    const opened = postgresServer
    return {
      url,
      close: () =>
        (closing ??= (async () => {
          instances.delete(key)
          await opened.close()
          unlock()
        })()),
    }
  } catch (error) {
    // Close everything before letting go of the directory, so a retry never finds it open twice.
    await postgresServer?.close().catch(() => {})
    unlock()
    throw error
  }
}

// Vite's dev server re-evaluates server modules on change; the instance lives on globalThis so a
// reload finds the running database instead of opening a second one on the same directory.
const instances: Map<string, Promise<EmbeddedDatabase>> = ((
  globalThis as { __quotebookEmbedded?: Map<string, Promise<EmbeddedDatabase>> }
).__quotebookEmbedded ??= new Map())

/** Starts (once per process and directory) the embedded database, with migrations applied. */
export function embeddedDatabase(
  dataDir: string,
  // The migration runner turns this off to report what it applies itself.
  options: { migrate?: boolean } = {},
): Promise<EmbeddedDatabase> {
  const key = dataDir === IN_MEMORY ? dataDir : resolve(dataDir)
  let instance = instances.get(key)
  if (instance === undefined) {
    instance = start(key, dataDir, options.migrate ?? true)
    instances.set(key, instance)
    instance.catch(() => instances.delete(key))
  }
  return instance
}

/** Closes every embedded database this process opened. */
export async function closeEmbeddedDatabases(): Promise<void> {
  const open = [...instances.values()]
  instances.clear()
  await Promise.allSettled(open.map(async (instance) => (await instance).close()))
}
