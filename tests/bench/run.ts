import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createPublicKey } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { chromium } from '@playwright/test'
import autocannon from 'autocannon'
import postgres from 'postgres'
import {
  LOCAL_KEY_ID,
  localClerkKeys,
  localIdentity,
  localUserId,
  mintSessionToken,
} from '../../app/auth/local-identity.server'
import { applyMigrations } from '../../app/db/migrate'
import { checkBearer } from '../../app/db/neon-jwt.server'
import { authenticatedUrl } from '../helpers/authenticated-url'
import { freePort } from '../helpers/tcp-proxy'
import { type ProfileShares, summarizeProfile } from './profile'

/**
 * `npm run bench`: the production server against a bare node:http baseline doing the same work,
 * and against the app a developer would build from Clerk's and Neon's quickstarts
 * (tests/bench/quickstart), under the same load, in the same run. Figures are reported as
 * ratios; the run fails only on functional defects (errors, round trips, outbound requests),
 * never on timings.
 *
 *   npm run bench              full run: 10 s warm-up, 20 s measured, at 1, 16 and 64 connections
 *   npm run bench -- --quick   about 20 s, for CI
 *   npm run bench -- --quick --warmup=5 --duration=15   the quick run's rows, measured longer
 *   npm run bench -- --profile also profiles the app (node --cpu-prof) under GET / and under a
 *                              save, and reports where its CPU time goes
 *
 * The database is a Postgres server: BENCH_DATABASE_URL, or a new database on the one at
 * 127.0.0.1:5432 (dropped afterwards); the embedded database only where there is none. The
 * report says which.
 *
 * Quotebook and the baseline run twice: with the app's role switch, and with Neon RLS
 * (DATABASE_AUTHENTICATED_URL, where the local transport verifies each session token as Neon's
 * proxy would). The quick run measures the latter for the page and the save only. Neon RLS runs
 * under NODE_ENV=test, since production refuses the local stand-in for Neon's proxy; NODE_ENV also
 * picks React's development build, so it is set against the app-role build under NODE_ENV=test.
 */
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    warmup: { type: 'string' },
    duration: { type: 'string' },
  },
})
const { quick, profile } = flags
const settings = {
  ...(quick
    ? { users: 200, warmup: 1, duration: 1.5, connections: [16], coldStarts: 1 }
    : { users: 1000, warmup: 10, duration: 20, connections: [1, 16, 64], coldStarts: 5 }),
  // --warmup=S and --duration=S override the seconds per row, as in `-- --quick --duration=15`.
  ...(flags.warmup !== undefined ? { warmup: Number(flags.warmup) } : {}),
  ...(flags.duration !== undefined ? { duration: Number(flags.duration) } : {}),
}

/**
 * `app` is Quotebook in local mode and `baseline` its bare counterpart. `appToken` and
 * `baselineToken` are the same with Neon RLS (DATABASE_AUTHENTICATED_URL: per-user statements
 * sent as `authenticated` with the session token), under NODE_ENV=test: production refuses a
 * database whose tokens the app's own transport checks, which only Neon's proxy may do there.
 * `appRoleTest` is `app` under NODE_ENV=test, `appToken`'s counterpart: NODE_ENV also selects
 * React's build (the development one unless production), which costs a page more CPU. The
 * baseline renders no React and reads NODE_ENV only at start-up, so `baseline` stays
 * `baselineToken`'s counterpart. `appClerk` is the same build in Clerk mode (Clerk's keys, here
 * the local identity's; `<ClerkProvider>` rendered), to set against `quickstart`, the
 * quickstart-shaped app, which is in Clerk mode too.
 */
type ServerName =
  'app' | 'baseline' | 'appRoleTest' | 'appToken' | 'baselineToken' | 'appClerk' | 'quickstart'

// The servers held to the scenario's round trips (the baseline's are reported, not held).
const checkedServers = ['app', 'appRoleTest', 'appToken', 'appClerk', 'quickstart'] as const

// Where the bench builds the quickstart-shaped app (react-router.config.ts there says so too).
const QUICKSTART_SOURCE = 'tests/bench/quickstart'
const QUICKSTART_BUILD = '.bench/quickstart'

interface Scenario {
  name: string
  method: 'GET' | 'POST'
  path: string
  status: number
  /** Database round trips one request must make. */
  roundTrips: number
  signedIn: boolean
  /** Whether the quickstart-shaped app serves it (it has no health check): measured then for it
   * and for Quotebook in Clerk mode. */
  quickstart: boolean
  /** Where the quickstart-shaped app serves it, when not at `path` (its one route saves). */
  quickstartPath?: string
  /** Whether the quick run (CI's) measures it with Neon RLS too, beside the app-role build under
   * the same NODE_ENV; the full run always does. */
  tokenInQuickRun: boolean
}

/**
 * The servers a scenario is measured on, in order: each mode's baseline and app side by side,
 * so that the two modes are measured moments apart.
 */
const measuredBy = (scenario: Scenario): ServerName[] => [
  'baseline',
  'app',
  ...(!quick || scenario.tokenInQuickRun
    ? (['baselineToken', 'appRoleTest', 'appToken'] as const)
    : []),
  ...(scenario.quickstart ? (['appClerk', 'quickstart'] as const) : []),
]

const servedBy = (server: ServerName, scenario: Scenario): Scenario =>
  server === 'quickstart'
    ? { ...scenario, path: scenario.quickstartPath ?? scenario.path }
    : scenario

const scenarios: Scenario[] = [
  {
    name: 'GET / (page)',
    method: 'GET',
    path: '/',
    status: 200,
    roundTrips: 1,
    signedIn: true,
    quickstart: true,
    tokenInQuickRun: true,
  },
  {
    name: 'GET /_.data (navigation)',
    method: 'GET',
    path: '/_.data',
    status: 200,
    roundTrips: 1,
    signedIn: true,
    quickstart: true,
    tokenInQuickRun: false,
  },
  {
    name: 'POST /edit (save, 303)',
    method: 'POST',
    path: '/edit',
    quickstartPath: '/?index',
    status: 303,
    roundTrips: 1,
    signedIn: true,
    quickstart: true,
    tokenInQuickRun: true,
  },
  {
    name: 'GET /healthz',
    method: 'GET',
    path: '/healthz',
    status: 200,
    roundTrips: 1,
    signedIn: false,
    quickstart: false,
    tokenInQuickRun: false,
  },
]

interface Outbound {
  outbound: number
  clerk: number
  outboundHosts: string[]
}

interface Counters extends Outbound {
  database: number
  /** Outbound requests since the server started: warm-ups, probes and start-up included. */
  sinceStart: Outbound
  rss: number
  /** CPU time (user and system) the server used since the last reset. */
  cpuMicroseconds: number
}

const problems: string[] = []
const children: ChildProcess[] = []
process.on('exit', () => children.forEach((child) => child.kill()))

function log(line: string) {
  process.stderr.write(`${line}\n`)
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk
      const match = pattern.exec(output)
      if (match) {
        clearTimeout(timer)
        // From here on the output (the app's request log) is read and dropped, so the pipe
        // never fills and blocks the server, and nothing accumulates here.
        child.stdout?.off('data', onData)
        child.stderr?.off('data', onData)
        resolve(match[0])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${output}`)))
  })
}

function ask(child: ChildProcess, message: 'counters' | 'reset'): Promise<Counters> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as Counters))
    child.send(message)
  })
}

interface BenchDatabase {
  url: string
  /** Which database, for the report. */
  label: string
  /** Drops what the bench made, if anything. */
  done(): Promise<void>
}

// Where CI's Postgres server (and a developer's usual one) listens, with trust auth for postgres.
const LOCAL_SERVER = 'postgresql://postgres@127.0.0.1:5432/postgres'

/**
 * The database the bench runs against, Postgres server first, since production's database is
 * one: BENCH_DATABASE_URL if set; else a new database on the server at 127.0.0.1:5432, owned by
 * a Neon-shaped role (login, createdb, createrole, bypassrls, not a superuser) as CI's and Neon's
 * are, and dropped afterwards; else, on a machine without one, the embedded database.
 */
async function startDatabase(): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE_URL) {
    await applyMigrations({ databaseUrl: process.env.BENCH_DATABASE_URL, log: () => {} })
    return {
      url: process.env.BENCH_DATABASE_URL,
      label: 'Postgres server (BENCH_DATABASE_URL)',
      done: async () => {},
    }
  }
  const server = await localServerDatabase()
  if (server) return server
  const child = spawn('node_modules/.bin/tsx', ['tests/bench/database.ts'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.push(child)
  const line = await waitForLine(child, /DATABASE_URL=\S+/, 'the embedded database')
  return {
    url: line.slice('DATABASE_URL='.length),
    label: 'embedded PGlite (no Postgres server at 127.0.0.1:5432)',
    done: async () => {},
  }
}

async function localServerDatabase(): Promise<BenchDatabase | null> {
  const admin = postgres(LOCAL_SERVER, { max: 1, connect_timeout: 2, onnotice: () => {} })
  try {
    const [{ version }] = (await admin`select current_setting('server_version') as version`) as [
      { version: string },
    ]
    const owner = 'quotebook_bench_owner'
    // Roles belong to the whole server: made once, and another run may make it at the same moment.
    await admin.unsafe(`do $$ begin create role ${owner};
      exception when duplicate_object or unique_violation then null; end $$`)
    await admin.unsafe(`alter role ${owner} login createrole createdb bypassrls nosuperuser`)
    const name = `quotebook_bench_${process.pid}_${Date.now()}`
    await admin.unsafe(`create database ${name} owner ${owner}`)
    const url = `postgresql://${owner}@127.0.0.1:5432/${name}`
    await applyMigrations({ databaseUrl: url, log: () => {} })
    return {
      url,
      label: `Postgres ${version} server at 127.0.0.1:5432, as a Neon-shaped owner`,
      done: async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`)
        await admin.end()
      },
    }
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {})
    const reason = error instanceof Error ? error.message : String(error)
    log(`bench: no Postgres server to use at 127.0.0.1:5432 (${reason}); the embedded database`)
    return null
  }
}

function serverCommand(server: ServerName, profiled = false): [string, string[]] {
  const instrument = [
    '--import',
    './tests/bench/instrument.mjs',
    ...(profiled ? ['--cpu-prof', '--cpu-prof-dir', '.bench/profile'] : []),
  ]
  switch (server) {
    case 'app':
    case 'appRoleTest':
    case 'appToken':
    case 'appClerk':
      return [process.execPath, [...instrument, 'build/server/index.js']]
    case 'baseline':
    case 'baselineToken':
      return [process.execPath, ['--import', 'tsx', ...instrument, 'tests/bench/baseline.ts']]
    case 'quickstart':
      // As the quickstart serves it: react-router-serve (Express, compression, morgan).
      return [
        process.execPath,
        [
          ...instrument,
          'node_modules/.bin/react-router-serve',
          `${QUICKSTART_BUILD}/server/index.js`,
        ],
      ]
  }
}

async function startServer(
  server: ServerName,
  env: Record<string, string>,
  profiled = false,
): Promise<ChildProcess> {
  const [command, args] = serverCommand(server, profiled)
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  children.push(child)
  await waitForLine(
    child,
    /"message":"listening"|\[baseline\] listening|\[react-router-serve\]/,
    server,
  )
  return child
}

async function measure(
  url: string,
  scenario: Scenario,
  connections: number,
  seconds: number,
  cookies: string[],
) {
  let next = 0
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: scenario.method,
        path: scenario.path,
        setupRequest: (request) => {
          const cookie = cookies[next++ % cookies.length]!
          const headers: Record<string, string> = scenario.signedIn ? { cookie } : {}
          if (scenario.method === 'POST') {
            headers['content-type'] = 'application/x-www-form-urlencoded'
            return {
              ...request,
              headers,
              body: new URLSearchParams({
                quote: `Benchmarked at ${next}`,
              }).toString(),
            }
          }
          return { ...request, headers }
        },
      },
    ],
  })
  const statuses = result.statusCodeStats as unknown as Record<string, { count: number }>
  const expected = statuses[String(scenario.status)]?.count ?? 0
  const serverErrors = Object.entries(statuses)
    .filter(([code]) => code.startsWith('5'))
    .reduce((sum, [, { count }]) => sum + count, 0)
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    unexpected: result.requests.total - expected,
    serverErrors,
    socketErrors: result.errors + result.timeouts,
  }
}

/** Exactly `count` requests, one at a time: the round trips each one made. */
async function probeRoundTrips(
  child: ChildProcess,
  url: string,
  scenario: Scenario,
  cookie: string,
  count = 20,
) {
  await ask(child, 'reset')
  for (let index = 0; index < count; index++) {
    const response = await fetch(`${url}${scenario.path}`, {
      method: scenario.method,
      redirect: 'manual',
      headers: {
        ...(scenario.signedIn ? { cookie } : {}),
        ...(scenario.method === 'POST'
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : {}),
      },
      body: scenario.method === 'POST' ? `quote=probe+${index}` : undefined,
    })
    await response.arrayBuffer()
    if (response.status !== scenario.status) {
      problems.push(
        `${scenario.name}: probe answered ${response.status}, expected ${scenario.status}`,
      )
    }
  }
  return (await ask(child, 'counters')).database / count
}

async function firstVisitJavaScript(url: string, cookie: string): Promise<number> {
  const executablePath = existsSync(chromium.executablePath()) ? undefined : '/usr/bin/chromium'
  const browser = await chromium.launch({
    executablePath,
    args: ['--disable-background-networking'],
  })
  try {
    const context = await browser.newContext()
    const [name, value] = cookie.split('; ')[0]!.split('=') as [string, string]
    const [uatName, uatValue] = cookie.split('; ')[1]!.split('=') as [string, string]
    await context.addCookies([
      { name, value, url },
      { name: uatName, value: uatValue, url },
    ])
    const page = await context.newPage()
    const scripts: Promise<number>[] = []
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') {
        scripts.push(response.body().then((body) => gzipSync(body).length))
      }
    })
    await page.goto(url, { waitUntil: 'networkidle' })
    return (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0)
  } finally {
    await browser.close()
  }
}

async function coldStart(env: Record<string, string>): Promise<number> {
  const port = await freePort()
  const [command, args] = serverCommand('app')
  const started = performance.now()
  const child = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  })
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`)
        if (response.status === 200) return performance.now() - started
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } finally {
    child.kill()
  }
}

/**
 * A save with JavaScript on: the action as a data request, then the revalidation the router
 * makes after it. Returns the database round trips the pair made.
 */
async function probeScriptedSave(child: ChildProcess, url: string, cookie: string) {
  await ask(child, 'reset')
  const action = await fetch(`${url}/edit.data`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'quote=saved+with+JavaScript',
  })
  await action.arrayBuffer()
  const revalidation = await fetch(`${url}/_.data`, { headers: { cookie } })
  await revalidation.arrayBuffer()
  if (action.status >= 300 || revalidation.status !== 200) {
    problems.push(`save with JavaScript: answered ${action.status}, then ${revalidation.status}`)
  }
  return (await ask(child, 'counters')).database
}

interface Verification {
  calls: number
  /** Median over the rounds, wall clock and CPU time of the bench's process. */
  microsecondsPerCall: number
  cpuMicrosecondsPerCall: number
  /** The Authorization header a request sends with Neon RLS, which is all it costs the app on Neon. */
  headerBytes: number
}

const VERIFICATION_ROUNDS = 5
const VERIFICATIONS_PER_ROUND = 2000

/**
 * What one checkBearer costs, away from any server: the local transport's check of a bench
 * session token (RS256, the local issuer's 2048-bit key), which is the stand-in for the check
 * Neon's proxy makes. Run with the servers stopped.
 */
function measureVerification(dataDir: string, origin: string): Verification {
  const identity = localIdentity(dataDir)
  const trust = {
    keys: [
      { kid: LOCAL_KEY_ID, alg: 'RS256' as const, key: createPublicKey(identity.publicKeyPem) },
    ],
  }
  const { token } = mintSessionToken(identity, { email: benchEmails()[0]!, origin })
  const authorization = `Bearer ${token}`
  const check = () => checkBearer(authorization, 'authenticated', trust)
  const checked = check()
  if ('refused' in checked) problems.push(`checkBearer refused a bench token: ${checked.refused}`)
  for (let index = 0; index < 200; index++) check()
  const wall: number[] = []
  const cpu: number[] = []
  for (let round = 0; round < VERIFICATION_ROUNDS; round++) {
    const [startedAt, cpuAtStart] = [performance.now(), process.cpuUsage()]
    for (let index = 0; index < VERIFICATIONS_PER_ROUND; index++) check()
    const { user, system } = process.cpuUsage(cpuAtStart)
    wall.push(((performance.now() - startedAt) * 1000) / VERIFICATIONS_PER_ROUND)
    cpu.push((user + system) / VERIFICATIONS_PER_ROUND)
  }
  return {
    calls: VERIFICATION_ROUNDS * VERIFICATIONS_PER_ROUND,
    microsecondsPerCall: median(wall),
    cpuMicrosecondsPerCall: median(cpu),
    headerBytes: Buffer.byteLength(`Authorization: ${authorization}\r\n`),
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2))

/**
 * Clerk mode's settings, for Quotebook and the quickstart-shaped app alike: Clerk's keys, here the
 * local identity's, so that Clerk's SDK verifies the bench's session tokens as it verifies
 * Clerk's (with CLERK_JWT_KEY, so without Clerk's service); telemetry and keyless mode off.
 */
function clerkModeEnv(dataDir: string) {
  const keys = localClerkKeys(localIdentity(dataDir))
  return {
    CLERK_PUBLISHABLE_KEY: keys.publishableKey,
    CLERK_SECRET_KEY: keys.secretKey,
    CLERK_JWT_KEY: keys.jwtKey,
    CLERK_TELEMETRY_DISABLED: '1',
    CLERK_KEYLESS_DISABLED: '1',
  }
}

const benchEmails = () =>
  Array.from({ length: settings.users }, (_, index) => `bench-${index}@example.com`)

/** Session cookies for the bench's users, from the local identity issuer, for `origin` (azp). */
function sessionCookies(dataDir: string, origin: string): string[] {
  const identity = localIdentity(dataDir)
  return benchEmails().map((email) => {
    const session = mintSessionToken(identity, { email, name: email, origin })
    return `__session=${session.token}; __client_uat=${session.iat}`
  })
}

/** N users with a quote each. */
async function seedUsers(databaseUrl: string) {
  const emails = benchEmails()
  const seed = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  await seed`delete from user_messages where user_id like 'user_local_%'`
  await seed`
    insert into user_messages (user_id, message)
    select * from unnest(${emails.map(localUserId)}::text[], ${emails.map((_, i) => `Quote number ${i}`)}::text[])`
  await seed.end()
}

/** Each server, with the session cookies it accepts (each app pins `azp` to its own origin). */
type Servers = Record<ServerName, { child: ChildProcess; url: string; cookies: string[] }>

type Measured = Awaited<ReturnType<typeof measure>> & {
  roundTripsUnderLoad?: number
  /** The server's CPU time per request: steadier from run to run than requests per second. */
  cpuMicrosecondsPerRequest?: number
}

/** One scenario at one number of connections; `appClerk` and `quickstart` where the latter
 * serves it. */
interface Row {
  scenario: string
  connections: number
  app: Measured
  baseline: Measured
  appRoleTest?: Measured
  appToken?: Measured
  baselineToken?: Measured
  appClerk?: Measured
  quickstart?: Measured
}

/** What a run found; written to .bench/results.json and printed as tables. */
interface Report {
  date: string
  machine: { cores: number; cpu: string | undefined; node: string }
  mode: 'quick' | 'full'
  database: string
  settings: typeof settings
  roundTrips: Record<string, Partial<Record<ServerName, number>>>
  /** A save with JavaScript, with the role switch and with Neon RLS. */
  scriptedSaveRoundTrips: { appRole: number; token: number }
  /** One checkBearer, the local transport's check of a session token (Neon's proxy's, on Neon). */
  verification: Verification
  outboundRequests: number
  clerkRequests: number
  javascriptGzipBytes: number
  coldStartMs: { median: number; runs: number[] }
  rssAfterLoadBytes: number
  rows: Row[]
  /** Where the app's CPU time went, by scenario (--profile). */
  profiles: Record<string, ProfileShares[]>
  problems: string[]
}

/**
 * Each scenario at each number of connections on the servers `measuredBy` names: one row each.
 */
async function measureRows(servers: Servers, problems: string[]) {
  const rows: Row[] = []
  for (const scenario of scenarios) {
    for (const connections of settings.connections) {
      const results: Partial<Record<ServerName, Measured>> = {}
      for (const server of measuredBy(scenario)) {
        log(`bench: ${scenario.name}, ${connections} connections, ${server}`)
        const { url, cookies } = servers[server]
        const served = servedBy(server, scenario)
        await measure(url, served, connections, settings.warmup, cookies)
        await ask(servers[server].child, 'reset')
        const result = await measure(url, served, connections, settings.duration, cookies)
        const counted = await ask(servers[server].child, 'counters')
        const failures = result.unexpected + result.socketErrors
        if (failures > 0) {
          problems.push(
            `${server}, ${scenario.name}, ${connections} connections: ${result.unexpected} unexpected statuses ` +
              `(${result.serverErrors} 5xx), ${result.socketErrors} socket errors`,
          )
        }
        results[server] = {
          ...result,
          roundTripsUnderLoad: counted.database / Math.max(1, result.total),
          cpuMicrosecondsPerRequest: counted.cpuMicroseconds / Math.max(1, result.total),
        }
      }
      rows.push({ scenario: scenario.name, connections, ...results } as Row)
    }
  }
  return rows
}

/** The report as the tables of tests/bench/README.md. */
function printReport(report: Report) {
  const { rows, roundTrips, scriptedSaveRoundTrips: scriptedSave, javascriptGzipBytes } = report
  const { rssAfterLoadBytes, profiles } = report
  const lines = [
    `| Scenario | Conn. | Baseline req/s | App req/s | App / baseline | Baseline p50 / p99 ms | App p50 / p99 ms | p99 ratio | CPU µs / req, baseline / app | DB trips / req |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
    ...rows.map(
      ({ scenario, connections, app, baseline }) =>
        `| ${scenario} | ${connections} | ${Math.round(baseline.requestsPerSecond)} | ${Math.round(app.requestsPerSecond)} | ` +
        `${ratio(app.requestsPerSecond, baseline.requestsPerSecond)} | ${baseline.p50} / ${baseline.p99} | ${app.p50} / ${app.p99} | ` +
        `${ratio(app.p99, baseline.p99)} | ${Math.round(baseline.cpuMicrosecondsPerRequest ?? 0)} / ${Math.round(app.cpuMicrosecondsPerRequest ?? 0)} | ` +
        `${app.roundTripsUnderLoad?.toFixed(2)} |`,
    ),
  ]
  console.log(lines.join('\n'))
  console.log('')
  const cpu = (server: Measured) => Math.round(server.cpuMicrosecondsPerRequest ?? 0)
  const against = rows.filter((row) => row.quickstart !== undefined)
  console.log(
    [
      `| Clerk mode: against the quickstart-shaped app | Conn. | Quickstart req/s | App req/s | App / quickstart | Quickstart p50 / p99 ms | App p50 / p99 ms | CPU µs / req, quickstart / app | App (local mode) / app |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...against.map(({ scenario, connections, app, appClerk, quickstart }) => {
        const [clerk, shaped] = [appClerk!, quickstart!]
        return (
          `| ${scenario} | ${connections} | ${Math.round(shaped.requestsPerSecond)} | ${Math.round(clerk.requestsPerSecond)} | ` +
          `${ratio(clerk.requestsPerSecond, shaped.requestsPerSecond)} | ${shaped.p50} / ${shaped.p99} | ${clerk.p50} / ${clerk.p99} | ` +
          `${cpu(shaped)} / ${cpu(clerk)} | ${ratio(app.requestsPerSecond, clerk.requestsPerSecond)} |`
        )
      }),
    ].join('\n'),
  )
  console.log('')
  const { verification } = report
  const withTokens = rows.filter((row) => row.appToken !== undefined)
  console.log(
    [
      `| Neon RLS (token) against the role switch (app-role), both under NODE_ENV=test | Conn. | App req/s, app-role / token | Token / app-role | App p50 / p99 ms, app-role / token | App CPU µs / req, app-role / token | Token − app-role, CPU µs / req | Baseline req/s, app-role / token | Baseline token − app-role, CPU µs / req | App / baseline, app-role / token | App-role req/s, NODE_ENV test / production |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...withTokens.map(
        ({ scenario, connections, app, baseline, appRoleTest, appToken, baselineToken }) => {
          const [appRole, token, bareToken] = [appRoleTest!, appToken!, baselineToken!]
          return (
            `| ${scenario} | ${connections} | ${Math.round(appRole.requestsPerSecond)} / ${Math.round(token.requestsPerSecond)} | ` +
            `${ratio(token.requestsPerSecond, appRole.requestsPerSecond)} | ${appRole.p50} / ${appRole.p99} → ${token.p50} / ${token.p99} | ` +
            `${cpu(appRole)} / ${cpu(token)} | ${cpu(token) - cpu(appRole)} | ` +
            `${Math.round(baseline.requestsPerSecond)} / ${Math.round(bareToken.requestsPerSecond)} | ${cpu(bareToken) - cpu(baseline)} | ` +
            `${ratio(appRole.requestsPerSecond, baseline.requestsPerSecond)} / ${ratio(token.requestsPerSecond, bareToken.requestsPerSecond)} | ` +
            `${Math.round(appRole.requestsPerSecond)} / ${Math.round(app.requestsPerSecond)} |`
          )
        },
      ),
    ].join('\n'),
  )
  console.log(
    `\nNeon RLS runs under NODE_ENV=test: production refuses the local transport's stand-in for ` +
      `Neon's proxy. The app is set against its app-role build under NODE_ENV=test (React's ` +
      `development build); the baseline renders no React, so its production-mode app-role run stays.`,
  )
  console.log(
    `\nOne checkBearer (RS256, 2048-bit key; median of ${VERIFICATION_ROUNDS} rounds of ${VERIFICATIONS_PER_ROUND}): ` +
      `${verification.microsecondsPerCall.toFixed(1)} µs (${verification.cpuMicrosecondsPerCall.toFixed(1)} µs CPU). ` +
      `Here the local transport verifies the token and switches role in the app's process; on Neon ` +
      `Neon's proxy does both, and the app's own cost is sending the token: an Authorization header ` +
      `of ${verification.headerBytes} bytes.`,
  )
  console.log('')
  console.log(`| Measure | Value |\n| --- | --- |`)
  for (const [scenario, trips] of Object.entries(roundTrips)) {
    console.log(
      `| DB round trips per request, ${scenario} (app / baseline / app under NODE_ENV=test / app with Neon RLS / baseline with Neon RLS / app in Clerk mode / quickstart) | ` +
        `${trips.app} / ${trips.baseline} / ${trips.appRoleTest} / ${trips.appToken} / ${trips.baselineToken} / ${trips.appClerk ?? '—'} / ${trips.quickstart ?? '—'} |`,
    )
  }
  console.log(
    `| DB round trips for a save with JavaScript (action + revalidation), app-role / token | ${scriptedSave.appRole} / ${scriptedSave.token} |`,
  )
  console.log(`| Outbound requests to non-loopback hosts | ${report.outboundRequests} |`)
  console.log(`| Requests to Clerk | ${report.clerkRequests} |`)
  console.log(
    `| First-visit JavaScript for / (gzip) | ${(javascriptGzipBytes / 1024).toFixed(1)} KB |`,
  )
  console.log(
    `| Cold start to first 200 on /healthz (median of ${report.coldStartMs.runs.length}) | ${Math.round(report.coldStartMs.median)} ms |`,
  )
  console.log(`| Server RSS after load | ${(rssAfterLoadBytes / 1024 / 1024).toFixed(0)} MiB |`)
  const errors = (server: Measured | undefined) =>
    server ? server.serverErrors + server.socketErrors : 0
  console.log(
    `| 5xx and socket errors, the app in any mode | ${rows.reduce((sum, { app, appRoleTest, appToken, appClerk }) => sum + errors(app) + errors(appRoleTest) + errors(appToken) + errors(appClerk), 0)} |`,
  )
  for (const [scenario, shares] of Object.entries(profiles)) {
    console.log('')
    console.log(
      `| Where the app's CPU time goes under ${scenario} | Self time | With the Node and V8 work it called |\n| --- | ---: | ---: |`,
    )
    for (const { area, share, byCaller } of shares.slice(0, 8)) {
      console.log(`| ${area} | ${(share * 100).toFixed(1)} % | ${(byCaller * 100).toFixed(1)} % |`)
    }
  }
  console.log('')
  console.log(
    `Machine: ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}; ${report.database}; written to .bench/results.json`,
  )
}

async function main() {
  log(`bench: ${quick ? 'quick' : 'full'} run, ${settings.users} users`)
  // Always a fresh production build: a build/ left by another command may be of another mode.
  const build = spawnSync('node_modules/.bin/react-router', ['build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (build.status !== 0) throw new Error('the build failed')
  rmSync(QUICKSTART_BUILD, { recursive: true, force: true })
  const quickstartBuild = spawnSync(
    join(process.cwd(), 'node_modules/.bin/react-router'),
    ['build'],
    {
      cwd: QUICKSTART_SOURCE,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  )
  if (quickstartBuild.status !== 0) {
    throw new Error(`the quickstart-shaped app's build failed:\n${quickstartBuild.stderr}`)
  }

  const database = await startDatabase()
  const databaseUrl = database.url
  log(`bench: database: ${database.label}`)
  const dataDir = mkdtempSync(join(tmpdir(), 'quotebook-bench-'))
  const [
    appPort,
    baselinePort,
    appRoleTestPort,
    appTokenPort,
    baselineTokenPort,
    appClerkPort,
    quickstartPort,
  ] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ]
  const appUrl = `http://127.0.0.1:${appPort}`
  const env = {
    NODE_ENV: 'production',
    AUTH_MODE: 'local',
    APP_URL: appUrl,
    DATABASE_URL: databaseUrl,
    QUOTEBOOK_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
  }

  await seedUsers(databaseUrl)
  const cookies = sessionCookies(dataDir, appUrl)
  // Neon RLS with the local transport standing in for Neon's proxy is refused in production, so
  // the token servers, and the app-role build they are set against, run under NODE_ENV=test.
  const testEnv = { ...env, NODE_ENV: 'test' }
  const tokenEnv = { ...testEnv, DATABASE_AUTHENTICATED_URL: authenticatedUrl(databaseUrl) }
  const appRoleTestUrl = `http://127.0.0.1:${appRoleTestPort}`
  const appTokenUrl = `http://127.0.0.1:${appTokenPort}`
  const appClerkUrl = `http://127.0.0.1:${appClerkPort}`
  const clerkKeys = clerkModeEnv(dataDir)

  const servers: Servers = {
    app: {
      child: await startServer('app', { ...env, PORT: String(appPort) }),
      url: appUrl,
      cookies,
    },
    baseline: {
      child: await startServer('baseline', { ...env, PORT: String(baselinePort) }),
      url: `http://127.0.0.1:${baselinePort}`,
      cookies,
    },
    appRoleTest: {
      child: await startServer('appRoleTest', {
        ...testEnv,
        APP_URL: appRoleTestUrl,
        PORT: String(appRoleTestPort),
      }),
      url: appRoleTestUrl,
      cookies: sessionCookies(dataDir, appRoleTestUrl),
    },
    appToken: {
      child: await startServer('appToken', {
        ...tokenEnv,
        APP_URL: appTokenUrl,
        PORT: String(appTokenPort),
      }),
      url: appTokenUrl,
      cookies: sessionCookies(dataDir, appTokenUrl),
    },
    baselineToken: {
      child: await startServer('baselineToken', {
        ...tokenEnv,
        PORT: String(baselineTokenPort),
      }),
      url: `http://127.0.0.1:${baselineTokenPort}`,
      cookies,
    },
    appClerk: {
      child: await startServer('appClerk', {
        ...env,
        ...clerkKeys,
        AUTH_MODE: 'clerk',
        APP_URL: appClerkUrl,
        PORT: String(appClerkPort),
      }),
      url: appClerkUrl,
      cookies: sessionCookies(dataDir, appClerkUrl),
    },
    quickstart: {
      child: await startServer('quickstart', {
        ...clerkKeys,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(quickstartPort),
        DATABASE_URL: databaseUrl,
      }),
      url: `http://127.0.0.1:${quickstartPort}`,
      cookies,
    },
  }

  // Each server runs in the mode it is measured as: a server in token mode that fell back to the
  // role switch would measure nothing new.
  for (const [server, mode] of [
    ['app', 'app-role'],
    ['appRoleTest', 'app-role'],
    ['appToken', 'token'],
    ['baselineToken', 'token'],
  ] as const) {
    const health = (await (await fetch(`${servers[server].url}/healthz`)).json()) as {
      rowLevelSecurity?: string
    }
    if (health.rowLevelSecurity !== mode) {
      problems.push(`${server}: /healthz says ${health.rowLevelSecurity}, expected ${mode}`)
    }
  }

  const roundTrips: Report['roundTrips'] = {}
  for (const scenario of scenarios) {
    const trips: Partial<Record<ServerName, number>> = {}
    // Every scenario is probed in token mode, in the quick run too: 20 requests each.
    const probed: ServerName[] = [
      'app',
      'baseline',
      'appRoleTest',
      'appToken',
      'baselineToken',
      ...(scenario.quickstart ? (['appClerk', 'quickstart'] as const) : []),
    ]
    for (const server of probed) {
      const { child, url, cookies: accepted } = servers[server]
      trips[server] = await probeRoundTrips(child, url, servedBy(server, scenario), accepted[0]!)
    }
    roundTrips[scenario.name] = trips
    for (const server of checkedServers) {
      if (trips[server] !== undefined && trips[server] !== scenario.roundTrips) {
        problems.push(
          `${server}, ${scenario.name}: ${trips[server]} database round trips per request, expected ${scenario.roundTrips}`,
        )
      }
    }
  }

  const scriptedSave = {
    appRole: await probeScriptedSave(servers.app.child, servers.app.url, cookies[0]!),
    token: await probeScriptedSave(
      servers.appToken.child,
      servers.appToken.url,
      servers.appToken.cookies[0]!,
    ),
  }
  for (const [mode, trips] of Object.entries(scriptedSave)) {
    if (trips !== 2) {
      problems.push(
        `a save with JavaScript (${mode}) made ${trips} round trips, expected 2 (action + revalidation)`,
      )
    }
  }

  const rows = await measureRows(servers, problems)

  // Every request to another host, by any server, since it started.
  const outbound = { outbound: 0, clerk: 0 }
  let rssAfterLoad = 0
  for (const [name, { child }] of Object.entries(servers)) {
    const counters = await ask(child, 'counters')
    if (name === 'app') rssAfterLoad = counters.rss
    const { sinceStart } = counters
    outbound.outbound += sinceStart.outbound
    outbound.clerk += sinceStart.clerk
    if (sinceStart.outbound > 0) {
      problems.push(
        `${name} made ${sinceStart.outbound} outbound requests (${sinceStart.clerk} to Clerk): ${sinceStart.outboundHosts.join(', ')}`,
      )
    }
  }

  log('bench: first-visit JavaScript in Chromium')
  const javascriptGzipBytes = await firstVisitJavaScript(appUrl, cookies[1]!)
  for (const { child } of Object.values(servers)) child.kill()

  const profiles: Report['profiles'] = {}
  // A page, and a save (whose target, 0.4 of the baseline, is the one Clerk's cost decides).
  for (const scenario of profile ? [scenarios[0]!, scenarios[2]!] : []) {
    log(`bench: profiling the app under ${scenario.name} at 16 connections`)
    rmSync('.bench/profile', { recursive: true, force: true })
    const profiled = await startServer('app', { ...env, PORT: String(appPort) }, true)
    await measure(appUrl, scenario, 16, settings.warmup + settings.duration, cookies)
    const exited = new Promise((resolve) => profiled.once('exit', resolve))
    profiled.kill('SIGTERM')
    await exited
    const [file] = readdirSync('.bench/profile').filter((name) => name.endsWith('.cpuprofile'))
    profiles[scenario.name] = summarizeProfile(join('.bench/profile', file!))
  }

  log('bench: one checkBearer, in isolation')
  const verification = measureVerification(dataDir, appTokenUrl)

  log('bench: cold starts')
  const starts: number[] = []
  for (let run = 0; run < settings.coldStarts; run++) starts.push(await coldStart(env))

  const report: Report = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    mode: quick ? 'quick' : 'full',
    database: database.label,
    settings,
    roundTrips,
    scriptedSaveRoundTrips: scriptedSave,
    verification,
    outboundRequests: outbound.outbound,
    clerkRequests: outbound.clerk,
    javascriptGzipBytes,
    coldStartMs: { median: median(starts), runs: starts },
    rssAfterLoadBytes: rssAfterLoad,
    rows,
    profiles,
    problems,
  }
  mkdirSync('.bench', { recursive: true })
  writeFileSync('.bench/results.json', `${JSON.stringify(report, null, 2)}\n`)

  printReport(report)
  for (const child of children) child.kill()
  await database.done()

  if (problems.length > 0) {
    console.error(`\nbench: functional problems:\n- ${problems.join('\n- ')}`)
    process.exit(1)
  }
  process.exit(0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
