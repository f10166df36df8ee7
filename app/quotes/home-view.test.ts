import { describe, expect, test } from 'vitest'
import { type HomeState, homeScreen, keepsData, onlySwitchesView, requestedView } from './home-view'

const base: HomeState = {
  quote: null,
  requested: 'show',
  draft: null,
  status: null,
  pending: null,
}
const V1 = '2026-11-27T10:00:00.000001Z'
const V2 = '2026-11-27T10:05:00.000002Z'
const saved = { ...base, quote: { text: 'Saved words', version: V1 } }

describe('homeScreen', () => {
  test('empty: the form to create a quote, based on no version', () => {
    expect(homeScreen(base)).toEqual({
      view: { kind: 'form', text: '', basedOn: '', mode: 'create' },
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

  test('editing: the form with the quote, based on its version', () => {
    expect(homeScreen({ ...saved, requested: 'edit' }).view).toEqual({
      kind: 'form',
      text: 'Saved words',
      basedOn: V1,
      mode: 'edit',
    })
  })

  test('asked to delete: the confirmation, carrying the version shown', () => {
    expect(homeScreen({ ...saved, requested: 'confirm-delete' }).view).toEqual({
      kind: 'confirm-delete',
      text: 'Saved words',
      version: V1,
    })
    // Nothing to delete: the form instead.
    expect(homeScreen({ ...base, requested: 'confirm-delete' }).view.kind).toBe('form')
  })

  test('refused text: the form with what was typed and why, no stale announcement', () => {
    const screen = homeScreen({
      ...saved,
      status: 'saved',
      refused: { intent: 'save', error: 'Too long', typed: 'Typed words', basedOn: V1 },
    })
    expect(screen.view).toEqual({
      kind: 'form',
      text: 'Typed words',
      basedOn: V1,
      error: 'Too long',
      mode: 'edit',
    })
    expect(screen.announcement).toBeNull()
  })

  test('changed in another tab: the newer quote, the typed text, based on the newer version', () => {
    const screen = homeScreen({
      ...saved,
      requested: 'edit',
      refused: {
        intent: 'save',
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
    const deleted = homeScreen({
      ...saved,
      refused: {
        intent: 'save',
        error: 'Deleted elsewhere',
        typed: 'Mine',
        basedOn: '',
        newer: null,
      },
    })
    expect(deleted.view).toMatchObject({ kind: 'form', basedOn: '', mode: 'create', newer: null })
    expect(deleted.hasQuote).toBe(false)
  })

  test('a refused delete: the confirmation again, with the quote as it now is and why', () => {
    expect(
      homeScreen({
        ...saved,
        requested: 'confirm-delete',
        refused: { intent: 'delete', error: 'Changed', newer: { text: 'Theirs', version: V2 } },
      }).view,
    ).toEqual({ kind: 'confirm-delete', text: 'Theirs', version: V2, error: 'Changed' })
    // Unreachable: the same question, the same version, and the message.
    expect(
      homeScreen({
        ...saved,
        requested: 'confirm-delete',
        refused: { intent: 'delete', error: 'Offline' },
      }).view,
    ).toEqual({ kind: 'confirm-delete', text: 'Saved words', version: V1, error: 'Offline' })
  })

  test('a kept draft: the form with the draft, based on the version it was typed against', () => {
    // Typed against V1; the quote is now V2 (saved in another tab): the save will say so.
    const screen = homeScreen({
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
    const refused = homeScreen({
      ...saved,
      draft: { text: 'Draft words', basedOn: V1 },
      refused: { intent: 'save', error: 'Too long', typed: 'Longer words', basedOn: V1 },
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
      view: { kind: 'form', text: '', basedOn: '', mode: 'create' },
      hasQuote: false,
      announcement: 'Deleting…',
      draftNotice: false,
    })
  })
})

describe('the views of one page', () => {
  const at = (path: string) => new URL(path, 'http://localhost')

  test('the address names the view', () => {
    expect(requestedView(at('/?edit').searchParams)).toBe('edit')
    expect(requestedView(at('/?delete').searchParams)).toBe('confirm-delete')
    expect(requestedView(at('/').searchParams)).toBe('show')
  })

  test('moving between them needs no request; anything else does', () => {
    expect(onlySwitchesView(at('/'), at('/?edit'))).toBe(true)
    expect(onlySwitchesView(at('/?edit'), at('/'))).toBe(true)
    expect(onlySwitchesView(at('/?delete'), at('/?edit'))).toBe(true)
    expect(onlySwitchesView(at('/'), at('/'))).toBe(false)
    expect(onlySwitchesView(at('/'), at('/sign-in'))).toBe(false)
    expect(onlySwitchesView(at('/'), at('/?edit&other=1'))).toBe(false)
    // After a form posted to `/?index` was refused, Cancel and Keep it go back to `/`.
    expect(onlySwitchesView(at('/?index'), at('/'))).toBe(true)
  })

  test('the data stays for a view switch and after an unreachable change, not otherwise', () => {
    const urls = { currentUrl: at('/?edit'), nextUrl: at('/') }
    expect(keepsData(urls)).toBe(true)
    expect(keepsData({ ...urls, formMethod: 'POST' })).toBe(false)
    expect(keepsData({ ...urls, formMethod: 'POST', actionResult: { unreachable: true } })).toBe(
      true,
    )
    expect(keepsData({ currentUrl: at('/'), nextUrl: at('/sign-in') })).toBe(false)
  })
})
