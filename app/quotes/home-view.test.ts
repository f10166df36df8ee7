import { describe, expect, test } from 'vitest'
import { type HomeState, homeScreen } from './home-view'

const base: HomeState = {
  quote: null,
  requested: 'show',
  draft: null,
  status: null,
  pending: null,
}
const saved = { ...base, quote: { text: 'Saved words' } }

describe('homeScreen', () => {
  test('empty: the form to create a quote', () => {
    expect(homeScreen(base)).toEqual({
      view: { kind: 'form', text: '', error: undefined, mode: 'create' },
      hasQuote: false,
      announcement: null,
      draftNotice: false,
    })
  })

  test('saved: the quote, and after a save the announcement', () => {
    expect(homeScreen({ ...saved, status: 'saved' })).toEqual({
      view: { kind: 'saved', text: 'Saved words', saving: false },
      hasQuote: true,
      announcement: 'Your quote was saved.',
      draftNotice: false,
    })
  })

  test('editing: the form with the quote', () => {
    expect(homeScreen({ ...saved, requested: 'edit' }).view).toEqual({
      kind: 'form',
      text: 'Saved words',
      error: undefined,
      mode: 'edit',
    })
  })

  test('asked to delete: the confirmation', () => {
    expect(homeScreen({ ...saved, requested: 'confirm-delete' }).view).toEqual({
      kind: 'confirm-delete',
      text: 'Saved words',
    })
    // Nothing to delete: the form instead.
    expect(homeScreen({ ...base, requested: 'confirm-delete' }).view.kind).toBe('form')
  })

  test('refused text: the form with what was typed and why, no stale announcement', () => {
    const screen = homeScreen({
      ...saved,
      status: 'saved',
      refused: { error: 'Too long', typed: 'Typed words' },
    })
    expect(screen.view).toEqual({
      kind: 'form',
      text: 'Typed words',
      error: 'Too long',
      mode: 'edit',
    })
    expect(screen.announcement).toBeNull()
  })

  test('a kept draft: the form with the draft, and the notice', () => {
    const screen = homeScreen({ ...saved, draft: 'Draft words' })
    expect(screen.view).toEqual({
      kind: 'form',
      text: 'Draft words',
      error: undefined,
      mode: 'edit',
    })
    expect(screen.draftNotice).toBe(true)
    // Refused again: the refused text wins and the notice goes.
    const refused = homeScreen({
      ...saved,
      draft: 'Draft words',
      refused: { error: 'Too long', typed: 'Longer words' },
    })
    expect(refused.view).toMatchObject({ text: 'Longer words' })
    expect(refused.draftNotice).toBe(false)
  })

  test('a save on its way: the new text, marked as saving', () => {
    expect(
      homeScreen({ ...saved, requested: 'edit', pending: { kind: 'saving', text: 'New' } }),
    ).toEqual({
      view: { kind: 'saved', text: 'New', saving: true },
      hasQuote: true,
      announcement: 'Saving…',
      draftNotice: false,
    })
  })

  test('a delete on its way: the empty form at once', () => {
    expect(
      homeScreen({ ...saved, requested: 'confirm-delete', pending: { kind: 'deleting' } }),
    ).toEqual({
      view: { kind: 'form', text: '', error: undefined, mode: 'create' },
      hasQuote: false,
      announcement: 'Deleting…',
      draftNotice: false,
    })
  })
})
