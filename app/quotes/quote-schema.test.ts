import { describe, expect, test } from 'vitest'
import { checkQuote, codePoints, QUOTE_MAX_LENGTH } from './quote-schema'

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
