import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { freePort } from './tcp-proxy'

/** Whether something on 127.0.0.1 accepts a connection on `port`. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const answer = (open: boolean) => {
      socket.destroy()
      resolve(open)
    }
    socket.setTimeout(1_000)
    socket.once('connect', () => answer(true))
    socket.once('error', () => answer(false))
    socket.once('timeout', () => answer(false))
  })

/** The production server's command, as `npm start` runs it. */
export const SERVER_ENTRY = 'build/server/index.js'

export interface RunningServer {
  /** http://127.0.0.1:PORT, where it listens. */
  url: string
  port: number
  /** Its QUOTEBOOK_DATA_DIR: in local mode, where its signing key is. */
  dataDir: string
  /** Everything it has written to stdout and stderr so far. */
  output(): string
  /** Its JSON log lines so far, parsed; other lines are left out. */
  logLines(): Record<string, unknown>[]
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>
  process: ChildProcess
  stop(): Promise<void>
}

/**
 * Starts the built production server (`node build/server/index.js`) on a free loopback port, in
 * local mode, with APP_URL its own loopback origin, and waits until it listens. `env` adds to or overrides a minimal environment: the
 * parent's own variables (DATABASE_URL, say) do not leak in. The build must exist.
 */
export async function startProductionServer(
  env: Record<string, string | undefined> = {},
  { nodeArgs = [] }: { nodeArgs?: string[] } = {},
): Promise<RunningServer> {
  const port = await freePort()
  const dataDir = env.QUOTEBOOK_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'quotebook-server-'))
  const settings: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: `http://127.0.0.1:${port}`,
    ...env,
    QUOTEBOOK_DATA_DIR: dataDir,
  }
  const child = spawn(process.execPath, [...nodeArgs, SERVER_ENTRY], {
    // A variable given as undefined is left out (APP_URL: undefined runs without one).
    env: Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  // The "listening" line, or, with a LOG_LEVEL that leaves it out, an open port.
  const quiet = /^\s*(warn|error)\s*$/i.test(settings.LOG_LEVEL ?? '')
  const listening = async () => (quiet ? await accepts(port) : /"message":"listening"/.test(output))
  const deadline = Date.now() + 30_000
  while (!(await listening())) {
    const code = child.exitCode
    if (code !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the production server did not start (exit ${code}):\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    output: () => output,
    logLines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** A save as a browser without JavaScript posts it, the redirect not followed. */
export const postSave = (server: { url: string }, cookie: string, quote: string) =>
  fetch(`${server.url}/edit`, {
    method: 'POST',
    headers: { Cookie: cookie },
    body: new URLSearchParams({ quote }),
    redirect: 'manual',
  })
