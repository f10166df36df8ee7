// zod's mini build: the page ships this schema to the browser, where full zod would be most of
// the route's JavaScript.
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

const quoteText = z
  .pipe(
    z.string({ error: MESSAGES.empty }).check(
      z.refine((text) => !text.includes('\u0000'), { error: MESSAGES.nul, abort: true }),
      z.refine((text) => text.isWellFormed(), { error: MESSAGES.surrogate, abort: true }),
    ),
    // Browsers send a textarea's line breaks as CRLF; the carriage return goes with the controls.
    z.transform((text) => text.replace(removableControls, '').trim()),
  )
  .check(
    z.refine((text) => text.length > 0, { error: MESSAGES.empty, abort: true }),
    z.superRefine((text, context) => {
      const length = codePoints(text)
      if (length > QUOTE_MAX_LENGTH) {
        context.addIssue({
          code: 'custom',
          message: `Your quote can be at most ${QUOTE_MAX_LENGTH} characters (this one has ${length}).`,
        })
      }
    }),
  )

/**
 * What the home page's forms ask for, by their `intent`: a save carries its quote, a delete
 * nothing. Any other field is ignored (a user id comes from the session, never from the form).
 */
export const quoteChange = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('save'), quote: quoteText }),
  z.object({ intent: z.literal('delete') }),
])

/** The first message for a quote that breaks a rule, or the cleaned text. */
export function checkQuote(
  input: unknown,
): { quote: string; error?: undefined } | { error: string } {
  const result = quoteText.safeParse(input)
  if (result.success) return { quote: result.data }
  return { error: result.error.issues[0]?.message ?? 'This quote cannot be saved.' }
}
