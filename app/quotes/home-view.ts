/**
 * What the home page shows, as a pure function of what it knows: the loader's data, the address,
 * the action's answer and the change on its way. The component renders the view this returns
 * and nothing else decides.
 */

/** A change submitted with JavaScript, shown before the server answers. */
export type PendingChange = { kind: 'saving'; text: string } | { kind: 'deleting' } | null

/** A saved quote as the page knows it: its text and version (db/user-messages.server.ts). */
export interface SavedQuote {
  text: string
  version: string
}

/**
 * Why the action did not make a change, for the page to say beside the form:
 * - a save carries what was typed, so it is never lost, and the version to base a retry on;
 * - `newer` is the quote as it now is when it changed in another tab or window (null: deleted).
 */
export type Refusal =
  | { intent: 'save'; error: string; typed: string; basedOn: string; newer?: SavedQuote | null }
  | { intent: 'delete'; error: string; newer?: SavedQuote | null }

export type HomeView =
  | { kind: 'saved'; text: string; saving: boolean }
  | {
      kind: 'form'
      text: string
      /** The version the save is based on: empty when there is no quote. */
      basedOn: string
      error?: string
      mode: 'create' | 'edit'
      /** The quote as another tab or window left it, when that is why the save was refused. */
      newer?: SavedQuote | null
    }
  | { kind: 'confirm-delete'; text: string; version: string; error?: string }

/** What the address asks for: `/`, `/?edit` or `/?delete`. */
export type Requested = 'show' | 'edit' | 'confirm-delete'

export const requestedView = (search: URLSearchParams): Requested =>
  search.has('edit') ? 'edit' : search.has('delete') ? 'confirm-delete' : 'show'

/**
 * Whether going from `current` to `next` only moves between the home page's views (`/`,
 * `/?edit`, `/?delete`). Such a move needs nothing from the server, so it works offline and
 * costs no request; the page is already up to date or, if another tab changed the quote, the
 * version check refuses a change made from it.
 */
export function onlySwitchesView(current: URL, next: URL): boolean {
  // `index` is React Router's marker on the address a form was posted to (`/?index`).
  const viewsOnly = (url: URL) =>
    url.pathname === '/' &&
    [...url.searchParams.keys()].every(
      (key) => key === 'edit' || key === 'delete' || key === 'index',
    )
  return viewsOnly(current) && viewsOnly(next) && current.search !== next.search
}

/**
 * Whether a navigation or submission leaves the page's data as it is, whatever the route: a move
 * between the home page's views, or a change that never got a usable answer (the action's
 * `clientAction` marks it `unreachable`), after which reloading could only fail the same way.
 */
export function keepsData(args: {
  currentUrl: URL
  nextUrl: URL
  formMethod?: string
  actionResult?: unknown
}): boolean {
  if ((args.actionResult as { unreachable?: boolean } | undefined)?.unreachable) return true
  return args.formMethod === undefined && onlySwitchesView(args.currentUrl, args.nextUrl)
}

export interface HomeState {
  /** The saved quote. */
  quote: SavedQuote | null
  requested: Requested
  /**
   * Text typed in a session that ended, kept for this user until saved or discarded, with the
   * version it was typed against; `cut` when only its beginning fitted.
   */
  draft: { text: string; basedOn: string; cut?: boolean } | null
  /** What the last change did, once, after its redirect. */
  status: 'saved' | 'deleted' | 'not-deleted' | null
  /** The action's answer, when it refused the change. */
  refused?: Refusal
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
  'not-deleted': 'Your quote was not deleted: your session had ended.',
} as const

export function homeScreen(state: HomeState): HomeScreen {
  const { requested, draft, refused, pending } = state
  // A refusal because the quote changed elsewhere brings the quote as it now is.
  const known = refused?.newer !== undefined ? refused.newer : state.quote
  // With a change on its way, the page shows its outcome (and says it is not confirmed yet).
  const quote =
    pending === null ? known : pending.kind === 'deleting' ? null : { text: pending.text }
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
    draftNotice: draft !== null && pending === null && refused?.intent !== 'save',
  }

  function view(): HomeView {
    if (refused?.intent === 'delete' && pending === null && known !== null) {
      return {
        kind: 'confirm-delete',
        text: known.text,
        version: known.version,
        error: refused.error,
      }
    }
    if (requested === 'confirm-delete' && known !== null && settled && draft === null) {
      return { kind: 'confirm-delete', text: known.text, version: known.version }
    }
    if (pending?.kind === 'saving') return { kind: 'saved', text: pending.text, saving: true }
    if (known !== null && settled && draft === null && requested !== 'edit') {
      return { kind: 'saved', text: known.text, saving: false }
    }
    const mode = quote !== null ? 'edit' : 'create'
    if (refused?.intent === 'save') {
      return {
        kind: 'form',
        text: refused.typed,
        basedOn: refused.basedOn,
        error: refused.error,
        mode,
        ...(refused.newer !== undefined && { newer: refused.newer }),
      }
    }
    // The form starts with a kept draft, or the quote to edit.
    if (pending?.kind === 'deleting') return { kind: 'form', text: '', basedOn: '', mode }
    // A kept draft keeps the version it was typed against: saving it is checked like any save.
    if (draft !== null) return { kind: 'form', text: draft.text, basedOn: draft.basedOn, mode }
    return { kind: 'form', text: known?.text ?? '', basedOn: known?.version ?? '', mode }
  }
}
