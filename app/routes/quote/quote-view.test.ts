import { describe, expect, test } from 'vitest'
import { quoteFrame, quoteView, type ViewState } from './quote-view'

const base: ViewState = {
  quote: null,
  requested: 'show',
  draft: null,
  pending: null,
}
const V1 = '2026-11-27T10:00:00.000001Z'
const V2 = '2026-11-27T10:05:00.000002Z'
const saved = { ...base, quote: { text: 'Saved words', version: V1 } }

describe('quoteView', () => {
  test('empty: the form to create a quote, based on no version', () => {
    expect(quoteView(base)).toEqual({
      view: { kind: 'form', text: '', basedOn: '', mode: 'create' },
      draftNotice: false,
    })
    expect(quoteFrame({ quote: null, status: null, pending: null })).toEqual({
      hasQuote: false,
      announcement: null,
      announcementShownElsewhere: false,
    })
  })

  test('saved: the quote, and after a save the announcement', () => {
    expect(quoteView(saved)).toEqual({
      view: { kind: 'saved', text: 'Saved words' },
      draftNotice: false,
    })
    expect(quoteFrame({ quote: saved.quote, status: 'saved', pending: null })).toEqual({
      hasQuote: true,
      announcement: 'Your quote was saved.',
      announcementShownElsewhere: false,
    })
  })

  test('editing: the form with the quote, based on its version', () => {
    expect(quoteView({ ...saved, requested: 'edit' }).view).toEqual({
      kind: 'form',
      text: 'Saved words',
      basedOn: V1,
      mode: 'edit',
    })
  })

  test('asked to delete: the confirmation, carrying the version shown', () => {
    expect(quoteView({ ...saved, requested: 'confirm-delete' }).view).toEqual({
      kind: 'confirm-delete',
      text: 'Saved words',
      version: V1,
    })
    // Nothing to delete: the form instead.
    expect(quoteView({ ...base, requested: 'confirm-delete' }).view.kind).toBe('form')
  })

  test('refused text: the form with what was typed and why', () => {
    const screen = quoteView({
      ...saved,
      refused: { change: 'save', error: 'Too long', typed: 'Typed words', basedOn: V1 },
    })
    expect(screen.view).toEqual({
      kind: 'form',
      text: 'Typed words',
      basedOn: V1,
      error: 'Too long',
      mode: 'edit',
    })
  })

  test('changed in another tab: the newer quote, the typed text, based on the newer version', () => {
    const screen = quoteView({
      ...saved,
      requested: 'edit',
      refused: {
        change: 'save',
        error: 'Changed elsewhere',
        typed: 'Mine',
        basedOn: V2,
        newer: { text: 'Theirs', version: V2 },
      },
    })
    expect(screen.view).toEqual({
      kind: 'form',
      text: 'Mine',
      basedOn: V2,
      error: 'Changed elsewhere',
      mode: 'edit',
      newer: { text: 'Theirs', version: V2 },
    })
    // Deleted in another tab: saving again creates it.
    const deleted = quoteView({
      ...saved,
      refused: {
        change: 'save',
        error: 'Deleted elsewhere',
        typed: 'Mine',
        basedOn: '',
        newer: null,
      },
    })
    expect(deleted.view).toMatchObject({ kind: 'form', basedOn: '', mode: 'create', newer: null })
  })

  test('a refused delete: the confirmation again, with the quote as it now is and why', () => {
    expect(
      quoteView({
        ...saved,
        requested: 'confirm-delete',
        refused: { change: 'delete', error: 'Changed', newer: { text: 'Theirs', version: V2 } },
      }).view,
    ).toEqual({ kind: 'confirm-delete', text: 'Theirs', version: V2, error: 'Changed' })
    // Unreachable: the same question, the same version, and the message.
    expect(
      quoteView({
        ...saved,
        requested: 'confirm-delete',
        refused: { change: 'delete', error: 'Offline' },
      }).view,
    ).toEqual({ kind: 'confirm-delete', text: 'Saved words', version: V1, error: 'Offline' })
  })

  test('a kept draft: the form with the draft, based on the version it was typed against', () => {
    // Typed against V1; the quote is now V2 (saved in another tab): the save will say so.
    const screen = quoteView({
      ...saved,
      quote: { text: 'Newer words', version: V2 },
      draft: { text: 'Draft words', basedOn: V1 },
    })
    expect(screen.view).toEqual({
      kind: 'form',
      text: 'Draft words',
      basedOn: V1,
      mode: 'edit',
    })
    expect(screen.draftNotice).toBe(true)
    // Refused again: the refused text wins and the notice goes.
    const refused = quoteView({
      ...saved,
      draft: { text: 'Draft words', basedOn: V1 },
      refused: { change: 'save', error: 'Too long', typed: 'Longer words', basedOn: V1 },
    })
    expect(refused.view).toMatchObject({ text: 'Longer words' })
    expect(refused.draftNotice).toBe(false)
  })

  test('a save on its way: the same form, until the server confirms it', () => {
    const pending = { kind: 'saving', text: 'New' } as const
    expect(quoteView({ ...saved, requested: 'edit', pending })).toEqual(
      quoteView({ ...saved, requested: 'edit' }),
    )
    // A new quote's form stays a new quote's, and the heading says none is saved yet.
    expect(quoteView({ ...base, pending }).view).toMatchObject({ kind: 'form', mode: 'create' })
    expect(quoteFrame({ quote: null, status: null, pending }).hasQuote).toBe(false)
    // Its announcement replaces the last change's, for a screen reader: the button shows it.
    expect(quoteFrame({ quote: saved.quote, status: 'saved', pending })).toEqual({
      hasQuote: true,
      announcement: 'Saving…',
      announcementShownElsewhere: true,
    })
  })

  test('a delete on its way: the question, until the server confirms it', () => {
    const pending = { kind: 'deleting' } as const
    expect(quoteView({ ...saved, requested: 'confirm-delete', pending })).toEqual({
      view: { kind: 'confirm-delete', text: 'Saved words', version: V1 },
      draftNotice: false,
    })
    expect(quoteFrame({ quote: saved.quote, status: null, pending })).toEqual({
      hasQuote: true,
      announcement: 'Deleting…',
      announcementShownElsewhere: true,
    })
  })
})
