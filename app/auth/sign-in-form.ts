import { z } from 'zod'

/** The local sign-in form. Shared by the page and its action. */
export const signInForm = z.object({
  email: z
    .string({ error: 'Enter your email address.' })
    .trim()
    .min(1, 'Enter your email address.')
    .max(254, 'An email address can be at most 254 characters.')
    .pipe(z.email({ error: 'Enter an email address like ada@example.com.' })),
  name: z
    .string()
    .trim()
    .max(100, 'Your name can be at most 100 characters.')
    // No control characters, which a name never needs: a NUL among them cannot be stored in
    // Postgres' jsonb, where Neon RLS reads the token's claims.
    .regex(/^\P{Cc}*$/u, 'Your name cannot contain line breaks, tabs or other control characters.')
    .optional()
    .transform((name) => name || undefined),
  redirect_url: z.string().optional(),
})

export type SignInFormErrors = Partial<Record<'email' | 'name', string>>
