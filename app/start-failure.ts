/**
 * Errors that say what to fix (a setting, an embedded database another process holds): the
 * server says them in one line, without a stack. For server.ts and dev-server.ts, which Node
 * runs as it is, so this module imports nothing.
 */
const fixable = new Set(['EnvironmentError', 'DataDirectoryInUse'])

export const isFixable = (error: unknown): error is Error =>
  error instanceof Error && fixable.has(error.name)
