import { createClerkRequest } from '@clerk/backend/internal'
import { describe, expect, test } from 'vitest'
import { originFromHost, requestHeaders, requestTarget } from './incoming.server'

describe('requestTarget', () => {
  test.each([
    ['/', { path: '/', search: '' }],
    ['/sign-in?redirect_url=%2F', { path: '/sign-in', search: '?redirect_url=%2F' }],
    ['//evil.example/x', { path: '//evil.example/x', search: '' }],
    ['/caf%C3%A9', { path: '/caf%C3%A9', search: '' }],
    ['http://evil.example/path?q=1', { path: '/path', search: '?q=1' }],
  ])('%s', (raw, expected) => {
    expect(requestTarget(raw)).toEqual(expected)
  })

  test.each(['/%', '/%zz', '/%E0%A4%A', '*', 'evil.example:443', 'file:///etc/passwd', ''])(
    'refuses %j',
    (raw) => {
      expect(requestTarget(raw)).toBeNull()
    },
  )
})

describe('originFromHost', () => {
  test.each([
    ['127.0.0.1:4317', 'http://127.0.0.1:4317'],
    ['LocalHost:80', 'http://localhost'],
    ['[::1]:3000', 'http://[::1]:3000'],
    ['quotebook.example', 'http://quotebook.example'],
  ])('%s', (host, origin) => {
    expect(originFromHost(host)).toBe(origin)
  })

  test.each([undefined, '', 'localhost:99999', 'evil.example/path', 'a b', 'user@host', 'x:1:2'])(
    'refuses %j',
    (host) => {
      expect(originFromHost(host)).toBeNull()
    },
  )
})

describe('requestHeaders', () => {
  const spoofed = [
    'Host',
    'evil.example',
    'X-Forwarded-Host',
    'evil.example',
    'X-Forwarded-Proto',
    'http',
    'X-Forwarded-Port',
    '8443',
    'Forwarded',
    'host=evil.example;proto=http',
    'Cookie',
    '__session=a',
    'cookie',
    '__client_uat=1',
    'Accept',
    'text/html',
  ]

  test('with APP_URL: Host is its host, no forwarded header passes, cookies are one header', () => {
    const headers = requestHeaders(spoofed, 'https://qb.example.test')
    expect(headers.get('Host')).toBe('qb.example.test')
    for (const name of ['X-Forwarded-Host', 'X-Forwarded-Proto', 'X-Forwarded-Port', 'Forwarded']) {
      expect(headers.has(name), name).toBe(false)
    }
    expect(headers.get('Cookie')).toBe('__session=a; __client_uat=1')
    expect(headers.get('Accept')).toBe('text/html')
  })

  test('Clerk derives the public origin from them, whatever the client sent', () => {
    const request = new Request('https://qb.example.test/', {
      headers: requestHeaders(spoofed, 'https://qb.example.test'),
    })
    expect(createClerkRequest(request).clerkUrl.origin).toBe('https://qb.example.test')
  })

  test('without APP_URL (development): passed on as sent', () => {
    const headers = requestHeaders(spoofed, undefined)
    expect(headers.get('Host')).toBe('evil.example')
    expect(headers.get('X-Forwarded-Proto')).toBe('http')
  })
})
