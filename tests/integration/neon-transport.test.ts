import { randomUUID } from 'node:crypto'
import { neon, NeonDbError } from '@neondatabase/serverless'
import { describe, expect, test } from 'vitest'
import { sql } from '../../app/db/client.server'
import { embeddedDatabase, IN_MEMORY } from '../../app/db/embedded.server'
import { localTransport } from '../../app/db/local-transport.server'
import { tcpProxy } from '../helpers/tcp-proxy'

// Through the app's own neon() client: the embedded PGlite by default, the Postgres server when
// DATABASE_URL names one. CI runs this file against both.
const target = process.env.DATABASE_URL ? 'Postgres server' : 'embedded PGlite'

describe(`neon() through the local transport (${target})`, () => {
  test('returns every type exactly as Neon does', async () => {
    const [row] = await sql`
      select
        9007199254740993::int8 as big,
        -12345678901234567890.123456789::numeric as decimal,
        42::int4 as small,
        1.5::float8 as float,
        '2024-02-29 12:34:56.789+00'::timestamptz as moment,
        '{"b": {"c": true}, "a": [1, "x", null]}'::json as document,
        '{"b": {"c": true}, "a": [1, "x", null]}'::jsonb as binary_document,
        true as yes,
        false as no,
        '\\x00ff10'::bytea as bytes,
        array[1, 2, -3]::int4[] as numbers,
        array['a', 'b c', '"q"', null, '{}']::text[] as words,
        null::text as nothing,
        'ünïcødé 🙂 שלום'::text as text
    `
    expect(row).toEqual({
      big: '9007199254740993',
      decimal: '-12345678901234567890.123456789',
      small: 42,
      float: 1.5,
      moment: new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789)),
      document: { b: { c: true }, a: [1, 'x', null] },
      binary_document: { a: [1, 'x', null], b: { c: true } },
      yes: true,
      no: false,
      bytes: Buffer.from([0x00, 0xff, 0x10]),
      numbers: [1, 2, -3],
      words: ['a', 'b c', '"q"', null, '{}'],
      nothing: null,
      text: 'ünïcødé 🙂 שלום',
    })
    expect(row?.moment).toBeInstanceOf(Date)
    expect(Buffer.isBuffer(row?.bytes)).toBe(true)
  })

  test('sends parameters of every type and gets them back unchanged', async () => {
    const moment = new Date(Date.UTC(2001, 8, 9, 1, 46, 40, 123))
    const document = { nested: { list: [1, 2, 3] }, text: 'a "quoted" \\ value' }
    const [row] = await sql`
      select
        ${'9007199254740993'}::int8 as big,
        ${moment}::timestamptz as moment,
        ${document}::jsonb as document,
        ${Buffer.from([1, 2, 255])} as bytes,
        ${[1, 2, 3]}::int4[] as numbers,
        ${['x', 'y z', null]}::text[] as words,
        ${true}::bool as yes,
        ${false}::bool as no,
        ${null}::text as nothing,
        ${'🙂 e\u0301 \u202eabc'}::text as text
    `
    expect(row).toEqual({
      big: '9007199254740993',
      moment,
      document,
      bytes: Buffer.from([1, 2, 255]),
      numbers: [1, 2, 3],
      words: ['x', 'y z', null],
      yes: true,
      no: false,
      nothing: null,
      text: '🙂 e\u0301 \u202eabc',
    })
  })

  test('reports the command and row count with fullResults', async () => {
    const result = await sql.query('select generate_series(1, 3) as n', [], { fullResults: true })
    expect(result.command).toBe('SELECT')
    expect(result.rowCount).toBe(3)
    expect(result.fields.map((field) => [field.name, field.dataTypeID])).toEqual([['n', 23]])
    expect(result.rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  test('a unique violation raises NeonDbError 23505 with the constraint', async () => {
    const userId = `test-${randomUUID()}`
    await sql`insert into user_messages (user_id, message) values (${userId}, 'first')`
    const error =
      await sql`insert into user_messages (user_id, message) values (${userId}, 'again')`
        .then(() => undefined)
        .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NeonDbError)
    expect(error).toMatchObject({
      code: '23505',
      constraint: 'user_messages_pkey',
      table: 'user_messages',
      severity: 'ERROR',
    })
  })

  test('a syntax error raises NeonDbError 42601 with its position', async () => {
    const error = await sql.query('selec 1').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NeonDbError)
    expect(error).toMatchObject({ code: '42601', position: '1' })
  })

  test('a NUL byte in a text parameter raises NeonDbError 22021', async () => {
    const error = await sql`select ${'a\u0000b'}::text as value`.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NeonDbError)
    expect(error).toMatchObject({ code: '22021' })
  })

  test('a failing query in sql.transaction() leaves no trace of the ones before it', async () => {
    const userId = `test-${randomUUID()}`
    const error = await sql
      .transaction([
        sql`insert into user_messages (user_id, message) values (${userId}, 'kept?')`,
        sql`insert into user_messages (user_id, message) values (${userId}, 'duplicate')`,
        sql`select 1`,
      ])
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: '23505' })
    const rows = await sql`select 1 from user_messages where user_id = ${userId}`
    expect(rows).toEqual([])
  })

  test('sql.transaction() returns each result and honours the batch headers', async () => {
    const results = await sql.transaction(
      [
        sql`show transaction_isolation`,
        sql`show transaction_read_only`,
        sql`show transaction_deferrable`,
      ],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    )
    expect(results).toEqual([
      [{ transaction_isolation: 'serializable' }],
      [{ transaction_read_only: 'on' }],
      [{ transaction_deferrable: 'on' }],
    ])
    const error = await sql
      .transaction([sql`create table should_not_exist (id int)`], { readOnly: true })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: '25006' })
  })

  test('an unreachable database is Neon’s 500 for a compute it cannot reach', async () => {
    const unreachable = neon('postgresql://postgres@127.0.0.1:9/nowhere')
    const error = await unreachable`select 1`.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NeonDbError)
    expect((error as Error).message).toMatch(
      /^Server error \(HTTP status 500\): .*Couldn't connect to compute node/,
    )
    expect((error as NeonDbError).code).toBeUndefined()
  })

  test.skipIf(target !== 'Postgres server')(
    'a user the server does not know: Neon’s 400 without a code (Postgres server only: PGlite has no logins)',
    async () => {
      const url = new URL(process.env.DATABASE_URL!)
      url.username = `nobody_${randomUUID().slice(0, 8)}`
      const error = await neon(url.toString())`select 1`.catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(NeonDbError)
      expect(error).toMatchObject({
        message: `password authentication failed for user '${url.username}'`,
        code: '',
      })
    },
  )
})

// Where the local transport must behave as Neon's proxy does (neondatabase/neon at 6a35a3e,
// proxy/src/serverless/sql_over_http.rs), because the app's behaviour depends on it.
describe(`the local transport behaves as Neon’s proxy (${target})`, () => {
  test('an aborted request is cancelled and its connection cut: its transaction never commits', async () => {
    const userId = `test-${randomUUID()}`
    const after = `test-${randomUUID()}`
    const error = await sql
      .transaction(
        [
          sql`insert into user_messages (user_id, message) values (${userId}, 'must not commit')`,
          sql`select pg_sleep(1.5)`,
          // Sent with the others, so already with the database when the abort comes.
          sql`insert into user_messages (user_id, message) values (${after}, 'nor this')`,
        ],
        { fetchOptions: { signal: AbortSignal.timeout(300) } },
      )
      .catch((caught: unknown) => caught)
    // The driver reports a fetch that was aborted as a failed connection, with the cause.
    expect(error).toBeInstanceOf(NeonDbError)
    expect((error as NeonDbError).sourceError).toMatchObject({ name: 'TimeoutError' })
    // Past the point where the batch would have committed, had it been left to run.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(await sql`select 1 from user_messages where user_id = ${userId}`).toEqual([])
    expect(await sql`select 1 from user_messages where user_id = ${after}`).toEqual([])
  })

  test('the extended protocol, always: several statements are 42601 and run nothing', async () => {
    const userId = `test-${randomUUID()}`
    const error = await sql
      .query(`insert into user_messages (user_id, message) values ('${userId}', 'x'); select 1`)
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NeonDbError)
    expect(error).toMatchObject({ code: '42601' })
    expect(await sql`select 1 from user_messages where user_id = ${userId}`).toEqual([])
  })

  test('no session state crosses from one request to the next', async () => {
    const [owner] = await sql`select current_user as name`
    await sql`select set_config('app.leak', 'from the last request', false),
                     set_config('role', 'quotebook_app', false)`
    const [after] = await sql`select current_setting('app.leak', true) as leak,
                                     current_user as name`
    expect(after).toEqual({ leak: '', name: owner!.name })
  })

  test('a transaction reaches Postgres in one write each: BEGIN, each kept statement, COMMIT', async () => {
    const url = new URL(process.env.DATABASE_URL ?? (await embeddedDatabase(IN_MEMORY)).url)
    const proxy = await tcpProxy(Number(url.port))
    url.port = String(proxy.port)
    const send = (userId: string) =>
      localTransport('https://local.invalid/sql', {
        method: 'POST',
        headers: { 'Neon-Connection-String': url.toString() },
        body: JSON.stringify({
          queries: [
            { query: "select set_config('app.user_id', $1, true)", params: [userId] },
            { query: 'select $1::text as id', params: [userId] },
            { query: 'select count(*) from user_messages where user_id = $1', params: [userId] },
          ],
        }),
      })
    try {
      // A connection's first run of a statement also asks Postgres for its parameters' types.
      expect((await send('first')).status).toBe(200)
      const before = proxy.writesToDatabase
      expect((await send('second')).status).toBe(200)
      // Neon's reset with BEGIN; each statement, kept prepared (Bind and Execute, no Parse or
      // Describe to wait for); COMMIT. Each waits for the answer to the one before it, so
      // loopback never merges two.
      expect(proxy.writesToDatabase - before).toBe(5)
    } finally {
      await proxy.close()
    }
  })

  test('a statement the request prepares itself does not outlive the request', async () => {
    // Neon resets with DEALLOCATE ALL. The transport keeps its own statements prepared, so it
    // deallocates only after a request that could have prepared one, and lets that connection go.
    await sql.query('prepare left_behind as select 1')
    for (let request = 0; request < 3; request++) {
      const [{ names }] = (await sql`
        select count(*)::int as names from pg_prepared_statements where from_sql`) as [
        { names: number },
      ]
      expect(names).toBe(0)
    }
  })

  test('what an aborted request prepared is gone by the next request', async () => {
    // Its connection is cut before the DEALLOCATE that follows such a request. On a server the
    // session ends with it; on PGlite, one session under every socket, the next socket's first
    // reset removes it. A connection already open first, so that the statements are sent before
    // the abort.
    await sql`select 1`
    await sql
      .transaction(
        [sql.query('prepare aborted_left_behind as select 1'), sql`select pg_sleep(1.5)`],
        { fetchOptions: { signal: AbortSignal.timeout(400) } },
      )
      .catch(() => {})
    const [{ names }] = (await sql`
      select count(*)::int as names from pg_prepared_statements where from_sql`) as [
      { names: number },
    ]
    expect(names).toBe(0)
  })

  test.skipIf(target !== 'embedded PGlite')(
    'two servers on one PGlite: what one keeps prepared, the other’s DEALLOCATE ALL drops, and it is answered anew (PGlite only: one session under every socket)',
    async () => {
      const { url } = await embeddedDatabase(IN_MEMORY)
      // Two pools, as two instances of the app have: each keeps its own statements prepared.
      const [first, second] = ['first', 'second'].map((name) =>
        neon(`${url}&application_name=${name}`),
      ) as [ReturnType<typeof neon>, ReturnType<typeof neon>]
      const page = (id: string, fresh = false) =>
        first.transaction([
          first`select set_config('app.user_id', ${id}, true)`,
          // A text the first pool has not run yet.
          ...(fresh ? [first`select ${id}::text || ' again' as said`] : []),
          first`select count(*)::int as n from user_messages where user_id = ${id}`,
        ])
      await page('one')
      await page('one')
      // A new socket's reset leaves the first pool's statements alone...
      expect(await second`select 1 as n`).toEqual([{ n: 1 }])
      expect(await page('one')).toEqual([[{ set_config: 'one' }], [{ n: 0 }]])
      // ...but a DEALLOCATE ALL sent by the other app drops them, in the one session.
      await second.query('deallocate all')
      expect(await page('one')).toEqual([[{ set_config: 'one' }], [{ n: 0 }]])
      await second.query('deallocate all')
      expect(await page('one', true)).toEqual([
        [{ set_config: 'one' }],
        [{ said: 'one again' }],
        [{ n: 0 }],
      ])
    },
  )

  test('a table altered under a kept statement (a migration while serving): answered anew', async () => {
    const table = `altered_${randomUUID().replaceAll('-', '')}`
    await sql.query(`create table ${table} (n int)`)
    await sql.query(`insert into ${table} values (1)`)
    // A text with a parameter is kept prepared by the connection that runs it.
    const select = () => sql.query(`select * from ${table} where n = $1`, [1])
    expect(await select()).toEqual([{ n: 1 }])
    expect(await sql.transaction([select()])).toEqual([[{ n: 1 }]])
    // Its plan no longer matches its table: Postgres refuses it (0A000). Alone, postgres.js
    // prepares it again by itself.
    await sql.query(`alter table ${table} add column m int default 2`)
    expect(await select()).toEqual([{ n: 1, m: 2 }])
    // In a transaction, which that error aborts, it cannot: the transport runs the request again
    // on a new connection.
    await sql.query(`alter table ${table} add column o int default 3`)
    expect(await sql.transaction([select()])).toEqual([[{ n: 1, m: 2, o: 3 }]])
    await sql.query(`drop table ${table}`)
  })

  test('command is the tag’s first word, rowCount null where the tag has no count', async () => {
    const table = `contract_${randomUUID().replaceAll('-', '')}`
    const created = await sql.query(`create table ${table} (n int)`, [], { fullResults: true })
    expect([created.command, created.rowCount]).toEqual(['CREATE', null])
    const inserted = await sql.query(`insert into ${table} select generate_series(1, 3)`, [], {
      fullResults: true,
    })
    expect([inserted.command, inserted.rowCount]).toEqual(['INSERT', 3])
    const none = await sql.query(`select n from ${table} where n > 5`, [], { fullResults: true })
    expect([none.command, none.rowCount]).toEqual(['SELECT', 0])
    await sql.query(`drop table ${table}`)
  })

  test('an invalid isolation level is Neon’s 400, even for a single query', async () => {
    const error = await sql
      .transaction([sql`select 1`], {
        isolationLevel: 'Chaotic' as unknown as 'Serializable',
      })
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ message: 'invalid isolation level', code: '' })
  })
})

describe(`Neon’s limits and error body, from the local transport itself (${target})`, () => {
  const ask = async (body: unknown) => {
    const url = process.env.DATABASE_URL ?? (await embeddedDatabase(IN_MEMORY)).url
    const response = await localTransport('https://local.invalid/sql', {
      method: 'POST',
      headers: { 'Neon-Connection-String': url },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  test('more parameters than postgres.js can send: 400, and nothing sent', async () => {
    const params = Array.from({ length: 65_534 }, (_, index) => String(index))
    const { status, body } = await ask({ query: 'select $1::int as n', params })
    expect(status).toBe(400)
    expect(body).toMatchObject({ message: 'too many parameters (max is 65533)', code: '' })
    // The transport still answers: nothing was left half sent.
    expect(await ask({ query: 'select $1::int as n', params: ['7'] })).toMatchObject({
      status: 200,
    })
  })

  test('an error is 400 with Neon’s 17 keys, in Neon’s order', async () => {
    const { status, body } = await ask({ query: 'selec 1', params: [] })
    expect(status).toBe(400)
    expect(Object.keys(body)).toEqual([
      'message',
      'code',
      'detail',
      'hint',
      'position',
      'internalPosition',
      'internalQuery',
      'severity',
      'where',
      'table',
      'column',
      'schema',
      'dataType',
      'constraint',
      'file',
      'line',
      'routine',
    ])
    expect(body).toMatchObject({ code: '42601', position: '1', detail: null, severity: 'ERROR' })
  })

  test('a request over 10 MiB is 413, a response over 10 MiB is 507', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024 + 1)
    expect(await ask({ query: 'select $1::text', params: [big] })).toMatchObject({
      status: 413,
      body: { message: 'request is too large (max is 10485760 bytes)', code: '' },
    })
    expect(
      await ask({ query: "select repeat('x', 11 * 1024 * 1024) as big", params: [] }),
    ).toMatchObject({
      status: 507,
      body: { message: 'response is too large (max is 10485760 bytes)', code: '' },
    })
  })
})
