// zod's mini build. The page ships none of it: only the actions parse the whole form, with the
// schemas built inside parseSave and parseDelete, which the browser's bundle leaves out.
import { z } from 'zod/mini'

/**
 * The quote form's rules, shared by the page (checked before submitting, with JavaScript) and
 * the action (the authority). Lengths are counted in code points, as Postgres' char_length
 * counts them, so the form and the database's check agree on what 500 characters means.
 */
export const QUOTE_MAX_LENGTH = 500

export const codePoints = (text: string) => [...text].length

// C0 and C1 controls and DEL, except newline and tab. NUL is refused before this runs.
// eslint-disable-next-line no-control-regex
const removableControls = /[\u0001-\u0008\u000b-\u001f\u007f-\u009f]/g

const MESSAGES = {
  empty: 'Write a quote before saving.',
  nul: 'Your quote contains a NUL character (U+0000), which cannot be saved. Remove it and try again.',
  surrogate:
    'Your quote contains an incomplete character (a lone UTF-16 surrogate). Retype it and try again.',
}

/**
 * The quote as it will be saved (control characters removed, trimmed), or the first rule it
 * breaks. A plain function, so the page can check a quote before sending it without shipping a
 * schema library to the browser; the action's schema below runs the very same function.
 */
export function checkQuote(
  input: unknown,
): { quote: string; error?: undefined } | { error: string } {
  if (typeof input !== 'string') return { error: MESSAGES.empty }
  if (input.includes('\u0000')) return { error: MESSAGES.nul }
  if (!input.isWellFormed()) return { error: MESSAGES.surrogate }
  // Browsers send a textarea's line breaks as CRLF; the carriage return goes with the controls.
  const quote = input.replace(removableControls, '').trim()
  if (quote.length === 0) return { error: MESSAGES.empty }
  const length = codePoints(quote)
  if (length > QUOTE_MAX_LENGTH) {
    return {
      error: `Your quote can be at most ${QUOTE_MAX_LENGTH} characters (this one has ${length}).`,
    }
  }
  return { quote }
}

// A quote's version (db/user-messages.server.ts): its update_ts in UTC, to the microsecond.
const versionPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/

/** Whether `text` is a version Postgres reads back as the same instant (no 30 February). */
export function isVersion(text: string): boolean {
  const parts = versionPattern.exec(text)
  if (parts === null) return false
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as number[]
  // setUTCFullYear, not Date.UTC, which reads years below 100 as 19xx.
  const date = new Date(0)
  date.setUTCFullYear(year!, month! - 1, day!)
  date.setUTCHours(hour!, minute!, second!)
  return (
    year! >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  )
}

/** The version a form sent, if it is one; else empty, which bases a save on no quote. */
export const versionOrNone = (value: unknown): string =>
  typeof value === 'string' && isVersion(value) ? value : ''

/**
 * What the save form sends: the quote, and the version it was based on. `basedOn` is what
 * `saveQuote` takes: the version; null for "there was no quote" (an empty `version`); undefined
 * for a form without `version`, which replaces the quote whatever it is now. Any other field is
 * ignored (a user id comes from the session, never from the form). Built on first use, inside a
 * function: a schema made at the top of the module is code the bundler must keep, and only the
 * action (on the server) parses the whole form; the page checks the quote alone (`checkQuote`).
 */
export function parseSave(fields: Record<string, string | undefined>) {
  schemas ??= formSchemas()
  return schemas.save.safeParse(fields)
}

/** What the delete form sends: the version the page showed (none: delete whatever is there). */
export function parseDelete(fields: Record<string, string | undefined>) {
  schemas ??= formSchemas()
  return schemas.delete.safeParse(fields)
}

let schemas: ReturnType<typeof formSchemas> | undefined

function formSchemas() {
  const quoteText = z.pipe(
    z.unknown(),
    z.transform((input, context) => {
      const checked = checkQuote(input)
      if (checked.error === undefined) return checked.quote
      context.issues.push({ code: 'custom', message: checked.error, input })
      return z.NEVER
    }),
  )
  const version = z.string().check(z.refine(isVersion))
  return {
    save: z.pipe(
      z.object({ quote: quoteText, version: z.optional(z.union([z.literal(''), version])) }),
      z.transform(({ quote, version }) => ({
        quote,
        basedOn: version === '' ? null : version,
      })),
    ),
    delete: z.object({ version: z.optional(version) }),
  }
}
