import { describe, expect, test } from 'vitest'
import { requestForClerk } from './clerk-request.server'

const origin = 'https://quotebook.example'
const pageLoad = { 'Sec-Fetch-Dest': 'document' }
const fetchRequest = { 'Sec-Fetch-Dest': 'empty' }
const sessionJwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl'

function request(path: string, headers: HeadersInit = {}, method = 'GET') {
  return new Request(new URL(path, origin), { method, headers })
}

// The page's address as React Router gives it to middleware: no `.data`, no `_routes`.
const page = (path: string) => new URL(path, origin)

describe('requestForClerk', () => {
  test('a request with nothing to hide is passed on as it is', () => {
    expect(requestForClerk(request('/?edit', pageLoad), 'clerk', page('/?edit'))).toBeNull()
    expect(requestForClerk(request('/', { Cookie: '__session=x' }), 'local', page('/'))).toBeNull()
  })

  test('a session token in Authorization stays; any other Authorization goes', () => {
    const bearer = { Authorization: `Bearer ${sessionJwt}` }
    expect(requestForClerk(request('/', bearer), 'clerk', page('/'))).toBeNull()
    for (const authorization of [
      'Bearer ak_0123456789abcdef',
      'Bearer mt_0123456789abcdef',
      'Bearer oat_0123456789abcdef',
      'Bearer not-a-token',
      'Basic YWRhOnNlY3JldA==',
    ]) {
      const seen = requestForClerk(
        request('/', { Authorization: authorization, Cookie: '__session=x' }),
        'clerk',
        page('/'),
      )
      expect(seen?.headers.has('Authorization')).toBe(false)
      expect(seen?.headers.get('Cookie')).toBe('__session=x')
      expect(seen?.url).toBe(`${origin}/`)
    }
  })

  test('in local mode no handshake reaches Clerk, in the query or a cookie', () => {
    const inQuery = requestForClerk(
      request('/?edit&__clerk_handshake=garbage&%5F%5Fclerk_handshake_nonce=1', pageLoad),
      'local',
      page('/?edit'),
    )
    expect(inQuery?.url).toBe(`${origin}/?edit=`)
    const inCookie = requestForClerk(
      request('/', { ...pageLoad, Cookie: '__clerk_handshake_nonce =1; __client_uat=1' }),
      'local',
      page('/'),
    )
    expect(inCookie?.headers.get('Cookie')).toBe('__client_uat=1')
  })

  test('in Clerk mode a handshake reaches Clerk on a page load only', () => {
    const nonce = { Cookie: '__clerk_handshake_nonce=0123456789abcdef' }
    expect(
      requestForClerk(request('/?__clerk_handshake=a.b.c', pageLoad), 'clerk', page('/')),
    ).toBeNull()
    expect(requestForClerk(request('/', { ...pageLoad, ...nonce }), 'clerk', page('/'))).toBeNull()
    // Never a frame, a browser's fetch, a data request or a POST.
    const refused: [string, Request][] = [
      ['a frame', request('/', { 'Sec-Fetch-Dest': 'iframe', ...nonce })],
      ['a fetch', request('/', { ...fetchRequest, ...nonce })],
      ['a data request', request('/_.data', { ...pageLoad, ...nonce })],
      ['a POST', request('/', { ...pageLoad, ...nonce }, 'POST')],
    ]
    for (const [what, sent] of refused) {
      const seen = requestForClerk(sent, 'clerk', page('/'))
      expect(seen?.headers.get('Cookie'), what).toBe('')
      expect(seen?.method, what).toBe(sent.method)
    }
  })

  test('a data request Clerk would take for a page load is shown as the page', () => {
    const seen = requestForClerk(
      request('/_.data?edit&_routes=root', { Accept: 'text/html' }),
      'clerk',
      page('/?edit'),
    )
    expect(seen?.url).toBe(`${origin}/?edit`)
    // An empty Sec-Fetch-Dest counts as none, as Clerk reads it.
    const empty = request('/sign-in.data', { 'Sec-Fetch-Dest': '', Accept: 'text/html' })
    expect(requestForClerk(empty, 'clerk', page('/sign-in'))?.url).toBe(`${origin}/sign-in`)
    // A browser's own data request says Sec-Fetch-Dest: empty, and is no page load.
    const own = request('/_.data', { ...fetchRequest, Accept: 'text/html' })
    expect(requestForClerk(own, 'clerk', page('/'))).toBeNull()
  })
})
