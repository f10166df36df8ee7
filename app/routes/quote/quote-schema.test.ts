import { describe, expect, test } from 'vitest'
import {
  checkQuote,
  codePoints,
  isVersion,
  parseDelete,
  parseSave,
  QUOTE_MAX_LENGTH,
} from './quote-schema'

const astral = '🙂' // one code point, two UTF-16 units, four UTF-8 bytes

describe('checkQuote', () => {
  test('trims and keeps the text otherwise exactly', () => {
    expect(checkQuote('  Mistakes are the portals of discovery - James Joyce \n')).toEqual({
      quote: 'Mistakes are the portals of discovery - James Joyce',
    })
  })

  test.each([
    ['emoji', 'Keep going 🙂👩🏽‍🚀'],
    ['combining marks', 'Cafe\u0301 and n\u0303'],
    ['right-to-left text', 'שלום עולם and مرحبا'],
    ['newlines and tabs', 'line one\nline two\tindented'],
  ])('accepts %s unchanged', (_, text) => {
    expect(checkQuote(text)).toEqual({ quote: text })
  })

  test('turns CRLF line breaks into LF and removes other control characters', () => {
    expect(checkQuote('one\r\ntwo\u0007\u001b[31m\u0085three\u007f')).toEqual({
      quote: 'one\ntwo[31mthree',
    })
  })

  test.each([
    ['empty', ''],
    ['only spaces', '   \n\t  '],
    ['only control characters', '\u0007\u0008'],
    ['missing', undefined],
  ])('refuses %s', (_, text) => {
    expect(checkQuote(text)).toEqual({ error: 'Write a quote before saving.' })
  })

  test('counts code points: 500 astral characters are allowed, 501 are not', () => {
    const limit = astral.repeat(QUOTE_MAX_LENGTH)
    expect(limit.length).toBe(1000)
    expect(codePoints(limit)).toBe(500)
    expect(checkQuote(limit)).toEqual({ quote: limit })
    expect(checkQuote(limit + astral)).toEqual({
      error: 'Your quote can be at most 500 characters (this one has 501).',
    })
  })

  test('the length is counted after trimming', () => {
    expect(checkQuote(` ${'a'.repeat(500)} `)).toEqual({ quote: 'a'.repeat(500) })
  })

  test('refuses a NUL character', () => {
    expect(checkQuote('before\u0000after')).toEqual({
      error:
        'Your quote contains a NUL character (U+0000), which cannot be saved. Remove it and try again.',
    })
  })

  test.each(['\ud83d', 'a\ude42b', '\ude42\ud83d'])('refuses a lone surrogate in %j', (text) => {
    expect(checkQuote(text)).toEqual({
      error:
        'Your quote contains an incomplete character (a lone UTF-16 surrogate). Retype it and try again.',
    })
  })
})

describe('isVersion', () => {
  test('takes what the server writes: update_ts in UTC to the microsecond, any year', () => {
    expect(isVersion('2026-11-27T10:00:00.000001Z')).toBe(true)
    expect(isVersion('1999-12-31T23:59:59.999999Z')).toBe(true)
    expect(isVersion('0042-01-01T00:00:00.000000Z')).toBe(true)
    expect(isVersion('9999-12-31T23:59:59.999999Z')).toBe(true)
  })

  test('refuses anything Postgres would not read back as the same instant', () => {
    for (const bad of [
      '',
      'abc',
      '2026-02-30T00:00:00.000000Z', // no 30 February
      '2026-11-27T24:00:00.000000Z',
      '2026-11-27T10:00:60.000000Z',
      '0000-01-01T00:00:00.000000Z',
      '2026-11-27T10:00:00.000Z', // milliseconds only
      '2026-11-27T10:00:00.000000+01:00',
      '2026-11-27 10:00:00.000000Z',
      ' 2026-11-27T10:00:00.000000Z',
    ]) {
      expect(isVersion(bad), bad).toBe(false)
    }
  })
})

describe('the forms', () => {
  const version = '2026-11-27T10:00:00.000001Z'

  test('a save: the checked quote, and the version it was based on, in saveQuote’s terms', () => {
    expect(parseSave({ quote: ' Words ', version }).data).toEqual({
      quote: 'Words',
      basedOn: version,
    })
    expect(parseSave({ quote: 'Words', version: '' }).data?.basedOn).toBeNull()
    expect(parseSave({ quote: 'Words' }).data?.basedOn).toBeUndefined()
    // Other fields (an old page's `intent`, a user id) are ignored.
    expect(parseSave({ quote: 'Words', change: 'save', user_id: 'x' }).success).toBe(true)
  })

  test('a save refused: the field and the message for the person typing', () => {
    const issue = (fields: Record<string, string>) => parseSave(fields).error?.issues[0]
    expect(issue({})).toMatchObject({ path: ['quote'], message: 'Write a quote before saving.' })
    expect(issue({ quote: 'Words', version: 'abc' })?.path).toEqual(['version'])
  })

  test('a delete: a version, or none', () => {
    expect(parseDelete({ version }).data).toEqual({ version })
    expect(parseDelete({}).data).toEqual({})
    expect(parseDelete({ version: '0' }).success).toBe(false)
  })
})
