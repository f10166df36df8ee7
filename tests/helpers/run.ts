import { spawn } from 'node:child_process'

export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command to its end and collects its output; it never throws on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** `npm run db:migrate` (from the build), without npm's own output around it. */
export function migrate(args: string[], env: Record<string, string | undefined>) {
  return run(process.execPath, ['build/server/index.js', 'migrate', ...args], env)
}
