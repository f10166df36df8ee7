import { describe, expect, test } from 'vitest'
import { parseUrlEncoded, singleValues } from './form.server'

const parse = (text: string) => [...parseUrlEncoded(Buffer.from(text, 'latin1'))]
const parseUtf8 = (text: string) => [...parseUrlEncoded(Buffer.from(text))]

describe('parseUrlEncoded', () => {
  test('reads what URLSearchParams reads, for well-formed input', () => {
    const encoded = new URLSearchParams([
      ['intent', 'save'],
      ['quote', 'Café 🙂 a+b & c=d\r\nשלום'],
      ['empty', ''],
    ]).toString()
    expect(parse(encoded)).toEqual([...new URLSearchParams(encoded)])
  })

  test('reads unencoded UTF-8, names without values and repeated names', () => {
    expect(parseUtf8('quote=café&flag&quote=x')).toEqual([
      ['quote', 'café'],
      ['flag', ''],
      ['quote', 'x'],
    ])
  })

  test.each([
    ['a broken percent-escape', 'quote=100%'],
    ['a non-hex escape', 'quote=%zz'],
    ['an encoded lone surrogate', 'quote=%ED%A0%BD'],
    ['invalid UTF-8 bytes', 'quote=%C3%28'],
    ['raw invalid UTF-8', 'quote=\xff\xfe'],
  ])('refuses %s with a 400', (_, body) => {
    let thrown: unknown
    try {
      parse(body)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ init: { status: 400 } })
  })
})

describe('singleValues', () => {
  test('one value per name, as own properties, `__proto__` included', () => {
    const fields = singleValues(new URLSearchParams('intent=save&quote=&__proto__=x'))
    expect(Object.entries(fields)).toEqual([
      ['intent', 'save'],
      ['quote', ''],
      ['__proto__', 'x'],
    ])
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
  })

  test('a name sent twice is a 400, whichever its values', () => {
    for (const body of ['quote=a&quote=b', 'intent=save&intent=save']) {
      expect(() => singleValues(new URLSearchParams(body))).toThrow(
        expect.objectContaining({ init: { status: 400, statusText: 'Bad Request' } }),
      )
    }
  })
})
