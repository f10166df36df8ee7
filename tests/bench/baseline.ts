import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { importSPKI, jwtVerify } from 'jose'
import { sessionTokenKeys } from '../../app/auth/clerk-options.server'
import { localIdentity } from '../../app/auth/local-identity.server'
import {
  checkDatabase,
  type DatabaseUser,
  newDeadline,
  rowLevelSecurity,
  trustSessionTokens,
} from '../../app/db/client.server'
import { getQuoteForUser, saveQuote } from '../../app/db/user-messages.server'
import { checkQuote } from '../../app/routes/quote/quote-schema'

/**
 * The benchmark's baseline: the same work as the app with no framework. It verifies the same
 * session token with jose against the same public key, runs the same query functions through the
 * same neon() client and transport, and writes a small HTML string.
 */
const appUrl = process.env.APP_URL!
const key = await importSPKI(localIdentity(process.env.QUOTEBOOK_DATA_DIR!).publicKeyPem, 'RS256')
// With DATABASE_AUTHENTICATED_URL, the transport checks the token again, as the app's server has it.
trustSessionTokens(sessionTokenKeys)

async function signedIn(request: IncomingMessage): Promise<DatabaseUser | null> {
  const token = /(?:^|;\s*)__session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1]
  if (!token) return null
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['RS256'], clockTolerance: 5 })
    return payload.azp === appUrl && typeof payload.sub === 'string'
      ? { id: payload.sub, sessionToken: token }
      : null
  } catch {
    return null
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString()
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', appUrl)
  if (url.pathname === '/healthz') {
    await checkDatabase()
    response
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ status: 'ok', rowLevelSecurity }))
    return
  }
  const user = await signedIn(request)
  if (!user) {
    response.writeHead(302, { Location: '/sign-in' }).end()
    return
  }
  if (request.method === 'POST') {
    const checked = checkQuote(new URLSearchParams(await body(request)).get('quote'))
    if (checked.error !== undefined) {
      response.writeHead(400).end(checked.error)
      return
    }
    await saveQuote(user, checked.quote, undefined, newDeadline())
    response.writeHead(303, { Location: '/' }).end()
    return
  }
  const quote = await getQuoteForUser(user, newDeadline())
  if (url.pathname === '/_.data') {
    response
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ quote: quote?.text ?? null }))
    return
  }
  response
    .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quotebook</title></head>` +
        `<body><main><h1>Quotebook</h1><blockquote>${escapeHtml(quote?.text ?? '')}</blockquote></main></body></html>`,
    )
}

createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error(error)
    if (!response.headersSent) response.writeHead(500)
    response.end()
  })
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('[baseline] listening'))
