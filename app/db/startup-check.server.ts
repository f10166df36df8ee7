import { describeError, logLine } from '../http/log.server'
import { checkDatabase, databaseMajorVersion, databaseName, databaseUser } from './client.server'
import { setupFailure } from './errors.server'
import { tokenSetupProblem } from './token-setup.server'

/**
 * In production, before listening: a database the app cannot use is refused at deploy time with
 * what to do, rather than answering every signed-in page with a 500. One that cannot be reached
 * now is only reported: /healthz says 503 until it is back. False when the server must not start.
 */
export async function checkDatabaseAtStartup(): Promise<boolean> {
  const user = databaseUser()
  try {
    const session = await checkDatabase()
    const tokenProblem = session.tokens && tokenSetupProblem(session.tokens, { production: true })
    if (tokenProblem) {
      logLine('error', { message: tokenProblem })
      return false
    }
    if (session.superuser) {
      logLine('warn', {
        message:
          `The app connects to the database as ${session.user}, a superuser, which no grant or ` +
          'row-level-security policy constrains. Connect as the database owner that ran ' +
          'npm run db:migrate (on Neon, the role that owns the database).',
      })
    }
    return true
  } catch (error) {
    const failure = setupFailure(error)
    if (failure === null) {
      logLine('warn', {
        message: 'The database did not answer at start-up; /healthz answers 503 until it does.',
        error: describeError(error, false),
      })
      return true
    }
    let message: string
    if (failure === 'not-migrated') {
      message = 'The database has not been migrated: run npm run db:migrate, then start again.'
    } else if (failure === 'no-connect') {
      message =
        `The database user ${user} may not connect to the database: since migration 00004 only ` +
        'its owner may. Connect as the owner that ran npm run db:migrate, or, as that owner, ' +
        `run: GRANT CONNECT ON DATABASE ${quoted(databaseName())} TO ${quoted(user)}; Then ` +
        'start again.'
    } else {
      message =
        `The database user ${user} cannot do what every signed-in page does: switch to the ` +
        'role quotebook_app and use the table user_messages. As a role that holds ' +
        "quotebook_app's admin option (the one that first ran npm run db:migrate on this " +
        `server) or an administrator, run: ${await grantAppRole(user)} Then start again.`
    }
    logLine('error', { message, error: describeError(error, false) })
    return false
  }
}

/**
 * The grant that lets `user` switch to quotebook_app, as migration 00003 makes it. Migrating again
 * would not: 00003 runs once. On 16 and newer a plain GRANT leaves an existing grant's SET as it
 * is, so SET is named.
 */
async function grantAppRole(user: string) {
  const name = quoted(user)
  const major = await databaseMajorVersion().catch(() => undefined)
  if (major === undefined) {
    return `GRANT quotebook_app TO ${name} WITH INHERIT FALSE, SET TRUE; (on Postgres 15: GRANT quotebook_app TO ${name};)`
  }
  return major >= 16
    ? `GRANT quotebook_app TO ${name} WITH INHERIT FALSE, SET TRUE;`
    : `GRANT quotebook_app TO ${name};`
}

/** A name as SQL writes it, exactly: in double quotes (a bare `user` is a keyword). */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`
