/**
 * What the home page shows, as a pure function of what it knows: the loader's data, the action's
 * answer and the change on its way. The component renders the view this returns and nothing
 * else decides.
 */

/** A change submitted with JavaScript, shown before the server answers. */
export type PendingChange = { kind: 'saving'; text: string } | { kind: 'deleting' } | null

export type HomeView =
  | { kind: 'saved'; text: string; saving: boolean }
  | { kind: 'form'; text: string; error?: string; mode: 'create' | 'edit' }
  | { kind: 'confirm-delete'; text: string }

export interface HomeState {
  /** The saved quote. */
  quote: { text: string } | null
  /** What the address asked for: `/`, `/?edit`, `/?delete`. */
  requested: 'show' | 'edit' | 'confirm-delete'
  /** Text typed in a session that ended, kept for this user. */
  draft: string | null
  /** What the last change did, once, after its redirect. */
  status: 'saved' | 'deleted' | null
  /** The action's answer: the text it refused, and why. */
  refused?: { error: string; typed: string }
  pending: PendingChange
}

export interface HomeScreen {
  view: HomeView
  /** Whether there is a quote (or one on its way): the subtitle says so. */
  hasQuote: boolean
  /** What the live region announces. */
  announcement: string | null
  /** Whether to say that the user was signed out before the draft was saved. */
  draftNotice: boolean
}

const statusMessages = {
  saved: 'Your quote was saved.',
  deleted: 'Your quote was deleted.',
} as const

export function homeScreen(state: HomeState): HomeScreen {
  const { requested, draft, refused, pending } = state
  // With a change on its way, the page shows its outcome (and says it is not confirmed yet).
  const quote =
    pending === null ? state.quote : pending.kind === 'deleting' ? null : { text: pending.text }
  const settled = pending === null && refused === undefined
  const announcement =
    pending !== null
      ? pending.kind === 'deleting'
        ? 'Deleting…'
        : 'Saving…'
      : state.status !== null && refused === undefined
        ? statusMessages[state.status]
        : null
  return {
    view: view(),
    hasQuote: quote !== null,
    announcement,
    draftNotice: draft !== null && settled,
  }

  function view(): HomeView {
    if (requested === 'confirm-delete' && quote !== null && settled) {
      return { kind: 'confirm-delete', text: quote.text }
    }
    if (pending?.kind === 'saving') return { kind: 'saved', text: pending.text, saving: true }
    if (quote !== null && settled && draft === null && requested !== 'edit') {
      return { kind: 'saved', text: quote.text, saving: false }
    }
    // The form starts with the text just refused, a kept draft, or the quote to edit.
    const text = pending?.kind === 'deleting' ? '' : (refused?.typed ?? draft ?? quote?.text ?? '')
    return { kind: 'form', text, error: refused?.error, mode: quote !== null ? 'edit' : 'create' }
  }
}
