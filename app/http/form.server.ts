import { resourceError, routeError } from './route-error.server'

const FORM_MAX_BYTES = 16 * 1024

/**
 * The body of a form post, read only when it is what a form sends and no larger than
 * `maxBytes`: 415 for another content type, 413 for a larger body, before any of it is parsed.
 */
async function readForm(request: Request, maxBytes = FORM_MAX_BYTES): Promise<URLSearchParams> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') {
    throw routeError(415, 'Send the form as application/x-www-form-urlencoded.')
  }
  return parseUrlEncoded(await readBody(request, maxBytes))
}

/**
 * A form's fields, one value each, for every form the app reads. A field sent twice is refused
 * (400): which of two values counts is not a question a form should leave open.
 */
export async function readFields(
  request: Request,
  maxBytes = FORM_MAX_BYTES,
): Promise<Record<string, string>> {
  return singleValues(await readForm(request, maxBytes))
}

/** The form as name → value; throws a 400 for a name that appears more than once. */
export function singleValues(form: URLSearchParams): Record<string, string> {
  const fields = new Map<string, string>()
  for (const [name, value] of form) {
    if (fields.has(name)) {
      throw routeError(400, 'The form sent a field more than once. Send it again from the page.')
    }
    fields.set(name, value)
  }
  // fromEntries defines each name as an own property, `__proto__` included.
  return Object.fromEntries(fields)
}

const malformed = () => routeError(400, 'The form could not be read: it is not valid form data.')
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * application/x-www-form-urlencoded, strictly: URLSearchParams would quietly turn a broken
 * percent-escape or invalid UTF-8 (such as an encoded lone surrogate) into U+FFFD and save it.
 */
export function parseUrlEncoded(body: Uint8Array): URLSearchParams {
  const form = new URLSearchParams()
  let text: string
  try {
    text = strictUtf8.decode(body)
  } catch {
    throw malformed()
  }
  if (text === '') return form
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const index = pair.indexOf('=')
    const [name, value] = index === -1 ? [pair, ''] : [pair.slice(0, index), pair.slice(index + 1)]
    form.append(decodeComponent(name), decodeComponent(value))
  }
  return form
}

function decodeComponent(component: string): string {
  const plusAsSpace = component.replaceAll('+', ' ')
  if (!plusAsSpace.includes('%')) return plusAsSpace
  if (/%(?![0-9a-fA-F]{2})/.test(plusAsSpace)) throw malformed()
  const bytes = Buffer.from(
    plusAsSpace.replace(/%([0-9a-fA-F]{2})|[^%]+/g, (match, hex: string | undefined) =>
      hex ? String.fromCharCode(Number.parseInt(hex, 16)) : Buffer.from(match).toString('latin1'),
    ),
    'latin1',
  )
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw malformed()
  }
}

const tooLarge = (maxBytes: number) =>
  routeError(413, `The request body is larger than ${maxBytes / 1024} KB.`)

/**
 * The raw body, or a 413 once more than `maxBytes` have arrived (or are declared): a page's error,
 * or for a resource route (`forResource`) the answer itself.
 */
export async function readBody(
  request: Request,
  maxBytes: number,
  { forResource = false } = {},
): Promise<Uint8Array> {
  const refuse = () => (forResource ? resourceError(413) : tooLarge(maxBytes))
  const declared = Number(request.headers.get('Content-Length') ?? '0')
  if (declared > maxBytes) throw refuse()
  return readAtMost(request, maxBytes, refuse)
}

// Content-Length may be absent (chunked) or wrong; count what actually arrives.
async function readAtMost(
  request: Request,
  maxBytes: number,
  refuse: () => unknown,
): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel()
      throw refuse()
    }
    chunks.push(value)
  }
  const body = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
