import { randomUUID } from 'node:crypto'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterEach, describe, expect, test } from 'vitest'
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  listMigrations,
  migrationStatus,
} from '../../app/db/migrate'
import { type FreshDatabase, freshDatabase } from '../helpers/database'
import { migrate } from '../helpers/run'
import { freePort } from '../helpers/tcp-proxy'

const migrations = listMigrations(DEFAULT_MIGRATIONS_DIR).map(({ file }) => file)
const first = migrations[0]!

let database: FreshDatabase | undefined
afterEach(async () => {
  await database?.drop()
  database = undefined
})

async function fresh() {
  database = await freshDatabase()
  return database.url
}

async function query<T extends object>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    return [...(await sql.unsafe<T[]>(text))]
  } finally {
    await sql.end()
  }
}

const tableExists = async (url: string, table: string) =>
  (await query<{ found: boolean }>(url, `select to_regclass('${table}') is not null as found`))[0]
    ?.found

/** A migrations folder with copies of the given real migrations and some extra files. */
function folderWith(extra: Record<string, string>, real: string[] = [first]) {
  const dir = mkdtempSync(join(tmpdir(), 'quotebook-migrations-'))
  for (const file of real) copyFileSync(join(DEFAULT_MIGRATIONS_DIR, file), join(dir, file))
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text)
  return dir
}

const target = process.env.DATABASE_URL ? 'Postgres server' : 'PGlite'

/**
 * The real migrations (the first `upTo`) with a role renamed (quotebook_app unless told): roles
 * belong to the whole server, so on a server whose role exists already only a role of the test's
 * own shows what the migrations do to a new one.
 */
function migrationsWithRole(role: string, upTo = migrations.length, renamed = 'quotebook_app') {
  const dir = mkdtempSync(join(tmpdir(), 'quotebook-migrations-'))
  for (const file of migrations.slice(0, upTo)) {
    const text = readFileSync(join(DEFAULT_MIGRATIONS_DIR, file), 'utf8')
    writeFileSync(join(dir, file), text.replaceAll(renamed, role))
  }
  return dir
}

const newRoleName = () => `quotebook_app_${randomUUID().replaceAll('-', '').slice(0, 12)}`

/** Drops a role of a test's own once its databases are gone (a fresh PGlite takes it along). */
async function dropRole(role: string) {
  if (process.env.DATABASE_URL) await query(process.env.DATABASE_URL, `drop role if exists ${role}`)
}

describe(`db:migrate (${target})`, () => {
  test('applies every migration to a fresh database, then finds nothing to do', async () => {
    const url = await fresh()
    const lines: string[] = []
    expect(await applyMigrations({ databaseUrl: url, log: (line) => lines.push(line) })).toEqual(
      migrations,
    )
    expect(lines).toEqual(migrations.map((file) => `applied ${file}`))
    expect(await tableExists(url, 'user_messages')).toBe(true)

    lines.length = 0
    expect(await applyMigrations({ databaseUrl: url, log: (line) => lines.push(line) })).toEqual([])
    expect(lines).toEqual(['No pending migrations; the database is up to date.'])
  })

  test('two runners started together both exit 0, and each migration is applied once', async () => {
    const url = await fresh()
    const [a, b] = await Promise.all([
      migrate([], { MIGRATION_DATABASE_URL: url }),
      migrate([], { MIGRATION_DATABASE_URL: url }),
    ])
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0])
    const appliedLines = (a.stdout + b.stdout)
      .split('\n')
      .filter((line) => line.startsWith('applied'))
    expect(appliedLines).toEqual(migrations.map((file) => `applied ${file}`))
    const rows = await query<{ migration_id: number }>(url, 'select migration_id from migrations')
    expect(rows.map((row) => row.migration_id)).toEqual(migrations.map((_, index) => index + 1))
  })

  test('--status lists applied and pending migrations', async () => {
    const url = await fresh()
    const before = await migrate(['--status'], { MIGRATION_DATABASE_URL: url })
    expect(before.code).toBe(0)
    expect(before.stdout.trim().split('\n')).toEqual(migrations.map((file) => `pending  ${file}`))
    await applyMigrations({ databaseUrl: url, log: () => {} })
    const after = await migrationStatus({ databaseUrl: url })
    expect(after.map(({ file }) => file)).toEqual(migrations)
    expect(after.every(({ appliedAt }) => appliedAt instanceof Date)).toBe(true)
  })

  test('a failing migration exits non-zero, names the file and changes nothing', async () => {
    const url = await fresh()
    await applyMigrations({ databaseUrl: url, log: () => {} })
    const next = String(migrations.length + 1).padStart(5, '0')
    const broken = `${next}_broken.sql`
    const dir = folderWith(
      { [broken]: 'create table half_done (id int);\nselect no_such_column from half_done;\n' },
      migrations,
    )

    const result = await migrate(['--dir', dir], { MIGRATION_DATABASE_URL: url })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(broken)
    expect(result.stderr).toContain('no_such_column')
    expect(result.stderr).not.toMatch(/^\s+at /m)
    expect(await tableExists(url, 'half_done')).toBe(false)
    const rows = await query<{ count: string }>(
      url,
      'select count(*)::text as count from migrations',
    )
    expect(rows[0]?.count).toBe(String(migrations.length))
  })

  test('a failure among several pending migrations applies none of them', async () => {
    const url = await fresh()
    const dir = folderWith({ '00002_broken.sql': 'select 1/0;' })
    const lines: string[] = []
    await expect(
      applyMigrations({ databaseUrl: url, dir, log: (line) => lines.push(line) }),
    ).rejects.toThrow(/00002_broken\.sql failed, nothing was applied: division by zero/)
    expect(await tableExists(url, 'user_messages')).toBe(false)
    // 00001 ran, then was rolled back with 00002: it is not reported as applied.
    expect(lines).toEqual([])
  })

  test('a gap in the numbering is a one-line error', async () => {
    const url = await fresh()
    const dir = folderWith({ '00003_skipped_two.sql': 'select 1;' })
    const result = await migrate(['--dir', dir], { MIGRATION_DATABASE_URL: url })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(
      'db:migrate: Migration numbering must have no gaps: expected 00002_*.sql, found 00003_skipped_two.sql',
    )
    expect(await tableExists(url, 'user_messages')).toBe(false)
  })

  test('an empty folder is a one-line error', async () => {
    const url = await fresh()
    const dir = folderWith({}, [])
    const result = await migrate(['--dir', dir], { MIGRATION_DATABASE_URL: url })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(`db:migrate: No migrations (00001_name.sql) in ${dir}`)
  })
})

describe('db:migrate never prints the database password', () => {
  test.each([
    [
      'a connection string that does not parse',
      async () => 'postgresql://quotebook:hunter2-secret@db.example.test:notaport/neondb',
      /^db:migrate: MIGRATION_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection string$/,
    ],
    [
      'a server that refuses the connection',
      async () => `postgresql://quotebook:hunter2-secret@127.0.0.1:${await freePort()}/neondb`,
      /^db:migrate: the database could not be reached: .*ECONNREFUSED/,
    ],
    [
      'localhost, refusing the connection',
      async () => `postgresql://quotebook:hunter2-secret@localhost:${await freePort()}/neondb`,
      /^db:migrate: the database could not be reached: .*ECONNREFUSED/,
    ],
  ])('%s: one line, no stack', async (_, url, line) => {
    const result = await migrate([], { MIGRATION_DATABASE_URL: await url() })
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toMatch(line)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stdout + result.stderr).not.toContain('hunter2')
  })
})

// Neon connects as a console role such as neondb_owner: LOGIN CREATEROLE CREATEDB BYPASSRLS, not a
// superuser. The embedded PGlite (Postgres 18) serves its databases as such an owner, and CI runs
// this file on the Postgres server (15) as one too.
describe(`migrations as a Neon-shaped owner (${target})`, () => {
  /** The role switch every per-user statement makes, as the database's owner. */
  const switchToAppRole = (url: string, role = 'quotebook_app') =>
    query(url, `begin; select set_config('role', '${role}', true); commit`)

  test('the owner that migrated is not a superuser, and can then switch to quotebook_app', async () => {
    const url = await fresh()
    await applyMigrations({ databaseUrl: url, log: () => {} })
    const [owner] = await query<{ superuser: string; bypassrls: boolean; createrole: boolean }>(
      url,
      `select current_setting('is_superuser') as superuser, rolbypassrls as bypassrls,
              rolcreaterole as createrole
         from pg_roles where rolname = current_user`,
    )
    expect(owner).toEqual({ superuser: 'off', bypassrls: true, createrole: true })
    await expect(switchToAppRole(url)).resolves.toBeDefined()
  })

  test('a database that applied 00002 before 00003 existed ends up able to switch too', async () => {
    const url = await fresh()
    const role = newRoleName()
    try {
      await applyMigrations({ databaseUrl: url, log: () => {}, dir: migrationsWithRole(role, 2) })
      // 00002 made the role and granted the owner nothing; on Postgres 16+ the owner holds it
      // WITH ADMIN but without SET, which passed the old 00002's membership check.
      await expect(switchToAppRole(url, role)).rejects.toMatchObject({ code: '42501' })
      await applyMigrations({ databaseUrl: url, log: () => {}, dir: migrationsWithRole(role) })
      await expect(switchToAppRole(url, role)).resolves.toBeDefined()
    } finally {
      await database?.drop()
      database = undefined
      await dropRole(role)
    }
  })

  test.skipIf(target === 'Postgres server')(
    'a quotebook_app that bypasses row-level security is refused, with what to do (PGlite only: on Postgres 15 only a superuser can give a role BYPASSRLS)',
    async () => {
      const url = await fresh()
      await applyMigrations({
        databaseUrl: url,
        log: () => {},
        dir: folderWith({}, migrations.slice(0, 2)),
      })
      // As a role made in Neon's console would be.
      await query(url, 'alter role quotebook_app bypassrls')
      try {
        await expect(applyMigrations({ databaseUrl: url, log: () => {} })).rejects.toThrow(
          /quotebook_app exists but bypasses row-level security\..*Drop or rename it/,
        )
      } finally {
        await query(url, 'alter role quotebook_app nobypassrls')
      }
    },
  )

  test.skipIf(target !== 'Postgres server')(
    'two databases of one server migrating at once both make, grant and use one new role (Postgres server only: each PGlite is a server of its own)',
    async () => {
      const role = newRoleName()
      const dir = migrationsWithRole(role)
      const [one, two] = await Promise.all([freshDatabase(), freshDatabase()])
      try {
        await Promise.all([
          applyMigrations({ databaseUrl: one.url, log: () => {}, dir }),
          applyMigrations({ databaseUrl: two.url, log: () => {}, dir }),
        ])
        await expect(switchToAppRole(one.url, role)).resolves.toBeDefined()
        await expect(switchToAppRole(two.url, role)).resolves.toBeDefined()
      } finally {
        await Promise.all([one.drop(), two.drop()])
        await dropRole(role)
      }
    },
  )
})

// Neon RLS off Neon (sql/00005): what the migrations make for the role `authenticated`, which the
// app's per-user statements run as with DATABASE_AUTHENTICATED_URL.
describe(`Neon RLS's roles, auth.user_id() and policy (${target})`, () => {
  const tokenRoleFile = migrations.find((file) => file.startsWith('00005_'))!

  /** What 00005 makes or grants, as the database shows it. */
  async function tokenSetup(url: string) {
    const [roles, memberships, userId, policies, grants, migrated] = await Promise.all([
      query(
        url,
        `select rolname, rolcanlogin, rolsuper, rolbypassrls from pg_roles
          where rolname in ('authenticated', 'anonymous') order by rolname`,
      ),
      // Every column but the grant's own oid (16 and newer): ADMIN, INHERIT and SET included.
      query(
        url,
        `select r.rolname, to_jsonb(m) - 'oid' - 'roleid' - 'member' - 'grantor' as grant
           from pg_auth_members m join pg_roles r on r.oid = m.roleid
          where m.member = (select oid from pg_roles where rolname = current_user)
            and r.rolname in ('authenticated', 'anonymous') order by r.rolname`,
      ),
      query(
        url,
        `select pg_get_functiondef('auth.user_id()'::regprocedure) as definition,
                obj_description('auth.user_id()'::regprocedure, 'pg_proc') as comment`,
      ),
      query(
        url,
        `select policyname, roles::text[] as roles, cmd, permissive, qual, with_check
           from pg_policies where schemaname = 'public' and tablename = 'user_messages'
          order by policyname`,
      ),
      query(
        url,
        `select relname as name, relacl::text as acl from pg_class
          where relnamespace = 'public'::regnamespace and relname in ('user_messages', 'migrations')
         union all
         select nspname, nspacl::text from pg_namespace where nspname in ('public', 'auth')
         order by name`,
      ),
      query(url, 'select count(*)::int as applied from migrations'),
    ])
    return { roles, memberships, userId, policies, grants, migrated }
  }

  /** auth.user_id() in a transaction whose request.jwt.claims are `claims`. */
  async function userIdWith(url: string, claims: string | null) {
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    try {
      return await sql.begin(async (tx) => {
        if (claims !== null) await tx`select set_config('request.jwt.claims', ${claims}, true)`
        const [row] = await tx<{ id: string | null }[]>`select auth.user_id() as id`
        return row!.id
      })
    } finally {
      await sql.end()
    }
  }

  test('authenticated and anonymous are NOLOGIN, neither superuser nor BYPASSRLS; auth.user_id() is the stand-in; the policy admits authenticated to its own rows only', async () => {
    const url = await fresh()
    await applyMigrations({ databaseUrl: url, log: () => {} })
    const setup = await tokenSetup(url)
    expect(setup.roles).toEqual(
      ['anonymous', 'authenticated'].map((rolname) => ({
        rolname,
        rolcanlogin: false,
        rolsuper: false,
        rolbypassrls: false,
      })),
    )
    expect(setup.userId).toEqual([
      {
        definition: expect.stringContaining("current_setting('request.jwt.claims'"),
        comment: expect.stringMatching(
          /^Quotebook's stand-in for pg_session_jwt, for development and tests/,
        ),
      },
    ])
    expect(await userIdWith(url, JSON.stringify({ sub: 'user_from_token', iat: 1 }))).toBe(
      'user_from_token',
    )
    expect(await userIdWith(url, null)).toBeNull()
    expect(setup.policies).toContainEqual(
      expect.objectContaining({
        policyname: 'user_messages_token_owner',
        roles: ['authenticated'],
        cmd: 'ALL',
        qual: expect.stringMatching(/user_id = \( SELECT auth\.user_id\(\)/),
        with_check: expect.stringMatching(/user_id = \( SELECT auth\.user_id\(\)/),
      }),
    )
    const [privileges] = await query(
      url,
      `select has_table_privilege('authenticated', 'migrations',
                'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') as authenticated,
              has_table_privilege('anonymous', 'migrations',
                'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') as anonymous`,
    )
    expect(privileges).toEqual({ authenticated: false, anonymous: false })
    // Off Neon no CONNECT for `authenticated` (the local transport logs in as the owner): on
    // Postgres 15 every owner on the server is its member and would inherit it.
    const [connect] = await query(
      url,
      `select has_database_privilege('authenticated', current_database(), 'CONNECT') as authenticated,
              has_database_privilege('anonymous', current_database(), 'CONNECT') as anonymous`,
    )
    expect(connect).toEqual({ authenticated: false, anonymous: false })
  })

  test("with Neon's Data API grants (every new table in public to authenticated), the migrations table is still not authenticated's", async () => {
    const url = await fresh()
    // As Neon's Data API sets it up, before the first migration: the role, and default grants.
    await query(
      url,
      `do $$ begin create role authenticated nologin;
         exception when duplicate_object then null; end $$;
       alter default privileges in schema public
         grant select, insert, update, delete, truncate on tables to authenticated`,
    )
    await applyMigrations({ databaseUrl: url, log: () => {} })
    const [privileges] = await query(
      url,
      `select has_table_privilege('authenticated', 'migrations',
                'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') as migrations,
              has_table_privilege('authenticated', 'user_messages', 'SELECT') as user_messages`,
    )
    expect(privileges).toEqual({ migrations: false, user_messages: true })
  })

  test(`running ${tokenRoleFile} again by hand, as Neon's SQL editor would, succeeds and changes nothing`, async () => {
    const url = await fresh()
    await applyMigrations({ databaseUrl: url, log: () => {} })
    const before = await tokenSetup(url)
    await query(url, readFileSync(join(DEFAULT_MIGRATIONS_DIR, tokenRoleFile), 'utf8'))
    expect(await tokenSetup(url)).toEqual(before)
  })

  // Roles belong to the whole server, and other databases of this one use its `authenticated`:
  // on a Postgres server the test makes a role of its own under another name, and migrates with
  // 00005 naming it. Giving a role BYPASSRLS takes a superuser on Postgres 15.
  test('an authenticated role that bypasses row-level security is refused, with what to do', async () => {
    const url = await fresh()
    const role =
      target === 'PGlite'
        ? 'authenticated'
        : `authenticated_${randomUUID().replaceAll('-', '').slice(0, 12)}`
    const administrator = new URL(url)
    if (target !== 'PGlite') administrator.username = 'postgres'
    // As a role made in Neon's console would be (one with BYPASSRLS), before migrating.
    await query(administrator.href, `create role ${role} nologin bypassrls`)
    try {
      const dir =
        target === 'PGlite'
          ? DEFAULT_MIGRATIONS_DIR
          : migrationsWithRole(role, migrations.length, 'authenticated')
      await expect(applyMigrations({ databaseUrl: url, log: () => {}, dir })).rejects.toThrow(
        new RegExp(
          `${tokenRoleFile}.*The role ${role} exists but bypasses row-level security\\..*Drop or rename it`,
          's',
        ),
      )
      expect(await tableExists(url, 'user_messages')).toBe(false)
    } finally {
      await database?.drop()
      database = undefined
      await dropRole(role)
    }
  })
})
