import { data } from 'react-router'
import { pendingMessages, statusMessages } from './messages'

/**
 * What the quote's pages show, as pure functions of what they know: the layout's data, which page
 * asks, the action's answer and the change on its way. The components render what these return
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
  | { change: 'save'; error: string; typed: string; basedOn: string; newer?: SavedQuote | null }
  | { change: 'delete'; error: string; newer?: SavedQuote | null }

/**
 * The one way the quote's actions refuse a change: the refusal, as the page's action data, with
 * its status. Any status of 400 or more keeps React Router from reloading the page's data, which
 * after a change that never reached the server could only fail the same way and lose the text.
 */
export const refuse = (refusal: Refusal, status: number) => data(refusal, { status })

export type QuoteView =
  | { kind: 'saved'; text: string }
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

/** Which of the quote's pages is asking: `/`, `/edit` or `/delete`. */
export type Requested = 'show' | 'edit' | 'confirm-delete'

/** What the layout knows: the saved quote, the change on its way, and the last change's status. */
export interface FrameState {
  quote: SavedQuote | null
  /** What the last change did, once, after its redirect (spent once the page moves on). */
  status: Status | null
  pending: PendingChange
}

export type Status = keyof typeof statusMessages

export interface Frame {
  /** Whether there is a quote: the heading says so. */
  hasQuote: boolean
  /** What the live region announces. */
  announcement: string | null
  /** The page shows it already (the busy form's button says "Saving…"): a screen reader's only. */
  announcementShownElsewhere: boolean
}

/**
 * The part of the page every view shares. A refused change needs no say here: it arrives on a new
 * location, which spends the status, and a 409 reloads the quote it brings.
 */
export function quoteFrame({ quote, status, pending }: FrameState): Frame {
  if (pending !== null) {
    // Not done until the server says so: the page goes on saying what is saved, and the busy
    // button shows the change on its way.
    return {
      hasQuote: quote !== null,
      announcement: pendingMessages[pending.kind],
      announcementShownElsewhere: true,
    }
  }
  return {
    hasQuote: quote !== null,
    announcement: status === null ? null : statusMessages[status],
    announcementShownElsewhere: false,
  }
}

export interface ViewState {
  /** The saved quote. */
  quote: SavedQuote | null
  requested: Requested
  /**
   * Text typed in a session that ended, kept for this user until saved or discarded, with the
   * version it was typed against; `cut` when only its beginning fitted.
   */
  draft: { text: string; basedOn: string; cut?: boolean } | null
  /** The action's answer, when it refused the change. */
  refused?: Refusal
  pending: PendingChange
}

export interface ViewScreen {
  view: QuoteView
  /** Whether to say that the user was signed out before the draft was saved. */
  draftNotice: boolean
}

/** What the page at `requested` shows below the shared frame. */
export function quoteView(state: ViewState): ViewScreen {
  const { requested, draft, refused, pending } = state
  // A refusal because the quote changed elsewhere brings the quote as it now is.
  const known = refused?.newer !== undefined ? refused.newer : state.quote
  // A change on its way stays in its busy form or question until the server confirms it: it
  // can fail, and a failed change must not look made.
  const settled = pending === null && refused === undefined
  return {
    view: view(),
    draftNotice: draft !== null && pending === null && refused?.change !== 'save',
  }

  function view(): QuoteView {
    if (refused?.change === 'delete' && pending === null && known !== null) {
      return {
        kind: 'confirm-delete',
        text: known.text,
        version: known.version,
        error: refused.error,
      }
    }
    const deleting = pending?.kind === 'deleting'
    if (known !== null && (deleting || (requested === 'confirm-delete' && settled && !draft))) {
      return { kind: 'confirm-delete', text: known.text, version: known.version }
    }
    if (known !== null && settled && draft === null && requested !== 'edit') {
      return { kind: 'saved', text: known.text }
    }
    const mode = known !== null ? 'edit' : 'create'
    if (refused?.change === 'save') {
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
    // A kept draft keeps the version it was typed against: saving it is checked like any save.
    if (draft !== null) return { kind: 'form', text: draft.text, basedOn: draft.basedOn, mode }
    return { kind: 'form', text: known?.text ?? '', basedOn: known?.version ?? '', mode }
  }
}
