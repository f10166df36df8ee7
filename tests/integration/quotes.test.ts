import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import { localClerkKeys, localIdentity, localUserId } from '../../app/auth/local-identity.server'
import { newDeadline, sql } from '../../app/db/client.server'
import { deleteQuote, getQuoteForUser } from '../../app/db/user-messages.server'
import { appHandler, get, ORIGIN, post, setCookies } from '../helpers/app'
import { signIn } from '../helpers/users'
import { storedQuote, storedRow } from '../helpers/quotes'
import { now, otherKey, sessionToken } from '../helpers/sessions'

let handle: (request: Request) => Promise<Response>
beforeAll(async () => {
  handle = await appHandler()
})

const astral = '🙂'
// The one cookie a change carries over its redirect (routes/quote/carried-over.server.ts), and
// what clearing it looks like.
const CARRY = 'quotebook_carryover'
const CLEARED = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'
const save = (quote: string, cookies: Record<string, string>, extra: Record<string, string> = {}) =>
  handle(post('/edit', { quote, ...extra }, cookies))

/** A signed-in user who has saved `text` (when given). */
async function userWith(text?: string) {
  const user = await signIn(handle, ORIGIN)
  if (text !== undefined) expect((await save(text, user.cookies)).status).toBe(303)
  return user
}

describe('the home page', () => {
  test('with no quote yet: the invitation and an empty, labelled form', async () => {
    const { cookies } = await userWith()
    const response = await handle(get('/', cookies))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Save an inspiring quote for yourself...')
    expect(html).toContain('<label for="quote"')
    expect(html).toContain('placeholder="e.g. Mistakes are the portals of discovery - James Joyce"')
    expect(html).toContain('Save quote')
  })

  test('with a quote: the quote, Edit and Delete Quote', async () => {
    const { cookies } = await userWith('Mistakes are the portals of discovery - James Joyce')
    const html = await (await handle(get('/', cookies))).text()
    expect(html).toContain('Your quote is wonderful...')
    expect(html).toMatch(
      /<blockquote[^>]*>Mistakes are the portals of discovery - James Joyce<\/blockquote>/,
    )
    expect(html).toContain('href="/edit"')
    expect(html).toContain('href="/delete"')
  })

  test('/edit shows the form filled in, with Save changes and Cancel', async () => {
    const { cookies } = await userWith('First draft')
    const html = await (await handle(get('/edit', cookies))).text()
    expect(html).toMatch(/<textarea[^>]*>First draft<\/textarea>/)
    expect(html).toContain('Save changes')
    expect(html).toMatch(/<a[^>]*href="\/"[^>]*>Cancel<\/a>/)
  })

  test('/delete asks for confirmation with a plain form', async () => {
    const { cookies } = await userWith('Going soon')
    const html = await (await handle(get('/delete', cookies))).text()
    expect(html).toContain('Delete your quote?')
    expect(html).toMatch(/<form[^>]*action="\/delete"/)
  })
})

describe('saving', () => {
  test('answers 303 to the home page, which then announces it once', async () => {
    const { email, cookies } = await userWith()
    const response = await save('  Stay hungry, stay foolish.  ', cookies)
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/')
    expect(await storedQuote(email)).toBe('Stay hungry, stay foolish.')
    const status = setCookies(response).get(CARRY)
    expect(status?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax']))
    const page = await handle(get('/', { ...cookies, [CARRY]: status!.value }))
    expect(await page.text()).toContain('Your quote was saved.')
    expect(setCookies(page).get(CARRY)?.attributes).toContain(CLEARED)
  })

  test('a second save replaces the quote and sets update_ts', async () => {
    const { email, cookies } = await userWith('one')
    const before = await storedRow(email)
    expect((await save('two', cookies)).status).toBe(303)
    const after = await storedRow(email)
    expect(after?.message).toBe('two')
    expect(after?.create_ts).toEqual(before?.create_ts)
    expect(after!.update_ts.getTime()).toBeGreaterThan(before!.update_ts.getTime())
  })

  test.each([
    ['500 astral characters', astral.repeat(500)],
    ['emoji, combining marks and right-to-left text', '👩🏽‍🚀 Cafe\u0301 שלום مرحبا'],
    ['text that looks like SQL', "'); drop table user_messages; --"],
    ['HTML', '<img src=x onerror=alert(1)>'],
  ])('stores %s exactly', async (_, text) => {
    const { email, cookies } = await userWith()
    expect((await save(text, cookies)).status).toBe(303)
    expect(await storedQuote(email)).toBe(text)
  })

  test('stores line breaks as LF and drops other control characters', async () => {
    const { email, cookies } = await userWith()
    expect((await save('one\r\ntwo\u0007', cookies)).status).toBe(303)
    expect(await storedQuote(email)).toBe('one\ntwo')
  })

  test('escapes HTML in the page', async () => {
    const { cookies } = await userWith('<img src=x onerror=alert(1)>')
    const html = await (await handle(get('/', cookies))).text()
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toContain('<img src=x')
  })

  test('20 concurrent saves from one user leave one row, holding one of them', async () => {
    const { email, cookies } = await userWith()
    const texts = Array.from({ length: 20 }, (_, index) => `concurrent ${index}`)
    const responses = await Promise.all(texts.map((text) => save(text, cookies)))
    expect(responses.map((response) => response.status)).toEqual(texts.map(() => 303))
    const rows = await sql`select message from user_messages where user_id = ${localUserId(email)}`
    expect(rows).toHaveLength(1)
    expect(texts).toContain(rows[0]!.message)
    // Once they are done, the next write is the one that stays.
    expect((await save('the last word', cookies)).status).toBe(303)
    expect(await storedQuote(email)).toBe('the last word')
  })

  test('a user_id in the form is ignored: the session decides whose quote it is', async () => {
    const victim = await userWith('the victim’s own')
    const attacker = await userWith()
    const response = await save('overwritten?', attacker.cookies, {
      user_id: localUserId(victim.email),
    })
    expect(response.status).toBe(303)
    expect(await storedQuote(victim.email)).toBe('the victim’s own')
    expect(await storedQuote(attacker.email)).toBe('overwritten?')
  })
})

describe('deleting', () => {
  test('removes the quote and answers 303', async () => {
    const { email, cookies } = await userWith('short-lived')
    const response = await handle(post('/delete', {}, cookies))
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/')
    expect(await storedQuote(email)).toBeNull()
  })

  test('is idempotent: with nothing saved it still answers 303', async () => {
    const { email, cookies } = await userWith()
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await handle(post('/delete', {}, cookies))).status).toBe(303)
    }
    expect(await storedQuote(email)).toBeNull()
  })
})

describe('a save from a session that has ended', () => {
  const issuer = localIdentity(process.env.QUOTEBOOK_DATA_DIR!)

  test('keeps the text, writes nothing, and offers it again once signed in', async () => {
    const { email, cookies } = await userWith('before')
    // The session as it was when the page loaded, now expired.
    const expired = sessionToken(
      issuer.privateKey,
      { sub: localUserId(email), iat: now() - 3600, nbf: now() - 3610, exp: now() - 60 },
      'https://clerk.quotebook.invalid',
    )
    // Posted from the edit form, which carries the version of the quote it showed.
    const shown = await (await handle(get('/edit', cookies))).text()
    const version = /name="version" value="([^"]*)"/.exec(shown)![1]!
    const response = await handle(
      post(
        '/edit',
        { quote: 'typed while signed out 🙂', version },
        { __session: expired.token, __client_uat: String(expired.payload.iat) },
      ),
    )
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/sign-in?redirect_url=%2F')
    expect(await storedQuote(email)).toBe('before')
    const draft = setCookies(response).get(CARRY)
    expect(draft?.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax']))

    const page = await handle(get('/', { ...cookies, [CARRY]: draft!.value }))
    const html = await page.text()
    expect(html).toContain('Your session ended before your quote was saved.')
    expect(html).toMatch(/<textarea[^>]*>typed while signed out 🙂<\/textarea>/)
    // Kept until saved: a reload offers it again.
    expect(setCookies(page).has(CARRY)).toBe(false)
    expect(await storedQuote(email)).toBe('before')

    // Saved from the form, based on the version it was typed against: stored, the draft forgotten.
    expect(/name="version" value="([^"]*)"/.exec(html)![1]).toBe(version)
    const withDraft = { ...cookies, [CARRY]: draft!.value }
    const saved = await handle(
      post('/edit', { quote: 'typed while signed out 🙂', version }, withDraft),
    )
    expect(saved.status).toBe(303)
    const after = setCookies(saved).get(CARRY)!.value
    const next = await (await handle(get('/', { ...cookies, [CARRY]: after }))).text()
    expect(next).toContain('Your quote was saved.')
    expect(next).not.toContain('Your session ended before your quote was saved.')
    expect(await storedQuote(email)).toBe('typed while signed out 🙂')
  })

  /** Alice's save from a session that expired: the redirect, and the draft cookie it sets. */
  async function expiredSave(
    text: string,
    signingKey = issuer.privateKey,
    before: Record<string, string> = {},
    tokenCookie = '__session',
  ) {
    const alice = await userWith()
    const expired = sessionToken(
      signingKey,
      { sub: localUserId(alice.email), iat: now() - 3600, nbf: now() - 3610, exp: now() - 60 },
      'https://clerk.quotebook.invalid',
    )
    const response = await save(text, {
      ...before,
      [tokenCookie]: expired.token,
      __client_uat: String(expired.payload.iat),
    })
    expect(response.status).toBe(303)
    return { alice, draft: setCookies(response).get(CARRY)!.value }
  }

  test('the draft is offered to no one else: another user signing in never sees it', async () => {
    const { alice, draft } = await expiredSave('Alice’s private thought')
    const mallory = await userWith()
    const page = await handle(get('/', { ...mallory.cookies, [CARRY]: draft }))
    const html = await page.text()
    expect(html).not.toContain('Alice’s private thought')
    expect(html).not.toContain('Your session ended before your quote was saved.')
    // Left alone, not cleared: Alice may be the next to sign in on this browser.
    expect(setCookies(page).has(CARRY)).toBe(false)
    const back = await handle(get('/', { ...alice.cookies, [CARRY]: draft }))
    expect(await back.text()).toContain('Alice’s private thought')
  })

  test('session cookies of other apps on the domain, before the real one, do not lose the draft', async () => {
    const junk = { __session_aaaaaaaa: 'junk', __session_bbbbbbbb: 'x.y.z' }
    const { alice, draft } = await expiredSave('Kept through the junk', issuer.privateKey, junk)
    const back = await handle(get('/', { ...alice.cookies, [CARRY]: draft }))
    expect(await back.text()).toContain('Kept through the junk')
    // Under the name Clerk's browser SDK gives this app (its publishable key's suffix), behind
    // junk under the plain name, twice.
    const suffix = createHash('sha1')
      .update(localClerkKeys(issuer).publishableKey)
      .digest('base64url')
      .slice(0, 8)
    const suffixed = await expiredSave(
      'Kept under the suffixed name',
      issuer.privateKey,
      { __session: 'junk', ' __session': 'more junk' },
      `__session_${suffix}`,
    )
    const hers = await handle(get('/', { ...suffixed.alice.cookies, [CARRY]: suffixed.draft }))
    expect(await hers.text()).toContain('Kept under the suffixed name')
  })

  test('a draft cookie that was altered or forged is ignored', async () => {
    const { alice, draft } = await expiredSave('The real text')
    const [value = '', signature = ''] = decodeURIComponent(draft).split('.')
    const decoded = JSON.parse(Buffer.from(value, 'base64').toString('latin1')) as {
      draft: object
    }
    const forged = (payload: object) =>
      Buffer.from(JSON.stringify(payload), 'latin1').toString('base64')
    const altered = { ...decoded, draft: { ...decoded.draft, text: 'Words put in Alice’s mouth' } }
    for (const cookie of [
      // Moved to the same user with other text, keeping the old signature.
      `${forged(altered)}.${signature}`,
      // Unsigned.
      forged(altered),
      // The old, unsigned format.
      Buffer.from('Words put in Alice’s mouth').toString('base64url'),
    ]) {
      const html = await (
        await handle(get('/', { ...alice.cookies, [CARRY]: encodeURIComponent(cookie) }))
      ).text()
      expect(html).not.toContain('Words put in Alice’s mouth')
      expect(html).not.toContain('Your session ended before your quote was saved.')
    }
  })

  test('an expired token signed with another key binds the draft to no one', async () => {
    const { alice, draft } = await expiredSave('Typed under a forged session', otherKey())
    const page = await handle(get('/', { ...alice.cookies, [CARRY]: draft }))
    expect(await page.text()).not.toContain('Typed under a forged session')
    // It is shown on the sign-in page instead, to whoever is at this browser.
    const signIn = await (await handle(get('/sign-in', { [CARRY]: draft }))).text()
    expect(signIn).toMatch(
      /<textarea[^>]*readonly=""[^>]*>Typed under a forged session<\/textarea>/i,
    )
  })

  test('with no session at all: the text is shown on the sign-in page, and offered to no one', async () => {
    const response = await save('Typed after signing out in another tab', {})
    expect(response.status).toBe(303)
    const draft = setCookies(response).get(CARRY)!.value
    const signIn = await (await handle(get('/sign-in', { [CARRY]: draft }))).text()
    expect(signIn).toContain('Here is what you typed')
    expect(signIn).toContain('Typed after signing out in another tab')
    const someone = await userWith()
    const page = await handle(get('/', { ...someone.cookies, [CARRY]: draft }))
    expect(await page.text()).not.toContain('Typed after signing out in another tab')
  })

  test('a draft kept for a known user: the sign-in page says it waits, without showing it', async () => {
    const { draft } = await expiredSave('Waiting for Alice')
    const signIn = await (await handle(get('/sign-in', { [CARRY]: draft }))).text()
    expect(signIn).toContain('Sign in again as the same user within 15 minutes and it will be')
    expect(signIn).not.toContain('Waiting for Alice')
  })

  test('a draft of characters JSON escapes is shortened to fit a cookie, not lost', async () => {
    // Each control character is six bytes of JSON (\u0001): 600 of them would not fit in 4 KB.
    const { alice, draft } = await expiredSave('\u0001'.repeat(600))
    expect(`${CARRY}=${draft}`.length).toBeLessThanOrEqual(4000)
    const html = await (await handle(get('/', { ...alice.cookies, [CARRY]: draft }))).text()
    expect(html).toContain('Your session ended before your quote was saved.')
    // eslint-disable-next-line no-control-regex -- the control character is what is kept
    const kept = /<textarea[^>]*>(\u0001+)<\/textarea>/.exec(html)?.[1] ?? ''
    expect(kept.length).toBeGreaterThan(100)
    expect(kept.length).toBeLessThan(600)
    // And the page says that only the beginning was kept.
    expect(html).toContain('only its beginning fitted')
  })

  test('a text longer than a draft can hold: the page says only its beginning was kept', async () => {
    const { alice, draft } = await expiredSave(`${'word '.repeat(300)}END OF MY TEXT`)
    const html = await (await handle(get('/', { ...alice.cookies, [CARRY]: draft }))).text()
    expect(html).toContain('only its beginning fitted')
    // A text that fitted says nothing of the kind.
    const whole = await expiredSave('Short and whole')
    const page = await handle(get('/', { ...whole.alice.cookies, [CARRY]: whole.draft }))
    expect(await page.text()).not.toContain('only its beginning')
  })

  test('the sign-in page says a delete was not made only when one was refused, not from a link', async () => {
    const linked = await (await handle(get('/sign-in?redirect_url=%2Fdelete'))).text()
    expect(linked).not.toContain('before your quote was deleted')
    const alice = await userWith('Still mine')
    const expired = sessionToken(
      issuer.privateKey,
      { sub: localUserId(alice.email), iat: now() - 3600, nbf: now() - 3610, exp: now() - 60 },
      'https://clerk.quotebook.invalid',
    )
    const refused = await handle(
      post('/delete', {}, { __session: expired.token, __client_uat: String(expired.payload.iat) }),
    )
    expect(refused.headers.get('Location')).toBe('/sign-in?redirect_url=%2Fdelete')
    const status = setCookies(refused).get(CARRY)!.value
    const told = await handle(get('/sign-in?redirect_url=%2Fdelete', { [CARRY]: status }))
    expect(await told.text()).toContain('Your session ended before your quote was deleted')
    expect(setCookies(told).get(CARRY)?.attributes).toContain(CLEARED)
    expect(await storedQuote(alice.email)).toBe('Still mine')
  })

  test('a draft is worthless after its 15 minutes, whatever the browser keeps', async () => {
    const { alice, draft } = await expiredSave('Kept too long')
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 16 * 60 * 1000 })
    try {
      const html = await (await handle(get('/', { ...alice.cookies, [CARRY]: draft }))).text()
      expect(html).toContain('Save an inspiring quote') // still signed in: the session is 8 h
      expect(html).not.toContain('Kept too long')
    } finally {
      vi.useRealTimers()
    }
  })

  test('with no session at all, a save is redirected to sign-in and writes nothing', async () => {
    const response = await save('anonymous', {})
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/sign-in?redirect_url=%2F')
    const rows = await sql`select 1 from user_messages where message = 'anonymous'`
    expect(rows).toEqual([])
  })

  // Loaders and actions see the request as it came (React Router 8 copies none): the way back
  // is the page's address, never the data request's.
  test.each([
    ['a navigation', get('/_.data?_routes=root%2Croutes%2Fquote%2Flayout')],
    ['a save with JavaScript', post('/edit.data', { quote: 'anonymous' })],
    ['the delete view', get('/delete.data')],
  ])('%s with no session is sent to sign-in with the page to come back to', async (_, request) => {
    const response = await handle(request)
    expect(response.status).toBe(202) // a redirect, as React Router's data requests carry one
    const body = await response.text()
    const back = request.url.includes('delete') ? '%2Fdelete' : '%2F'
    expect(body).toContain(`"/sign-in?redirect_url=${back}"`)
    expect(body).not.toMatch(/data|index|_routes/)
  })
})

describe('a change from a page that is out of date', () => {
  /** The version the edit form carries, as a browser would send it back. */
  async function formVersion(cookies: Record<string, string>) {
    const html = await (await handle(get('/edit', cookies))).text()
    return /name="version" value="([^"]*)"/.exec(html)![1]!
  }

  /** A save (fields with a quote) or a delete, posted to its page. */
  const change = (cookies: Record<string, string>, fields: Record<string, string>) =>
    handle(post('quote' in fields ? '/edit' : '/delete', fields, cookies))

  test('a save based on the version shown goes through, and the version moves on', async () => {
    const { email, cookies } = await userWith('first')
    const version = await formVersion(cookies)
    expect(version).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    expect((await change(cookies, { quote: 'second', version })).status).toBe(303)
    expect(await storedQuote(email)).toBe('second')
    expect(await formVersion(cookies)).not.toBe(version)
  })

  test('a save based on an older version is refused, showing the newer text and keeping the typed', async () => {
    const { email, cookies } = await userWith('first')
    const stale = await formVersion(cookies)
    expect((await change(cookies, { quote: 'from tab B', version: stale })).status).toBe(303)
    const refused = await change(cookies, { quote: 'from tab A', version: stale })
    expect(refused.status).toBe(409)
    const html = await refused.text()
    expect(html).toContain('changed in another tab or window')
    expect(html).toMatch(/<blockquote[^>]*>from tab B<\/blockquote>/)
    expect(html).toMatch(/<textarea[^>]*>from tab A<\/textarea>/)
    expect(await storedQuote(email)).toBe('from tab B')
    // The form now carries the newer version: saving again is a deliberate replacement.
    const newer = /name="version" value="([^"]*)"/.exec(html)![1]!
    expect(newer).not.toBe(stale)
    expect((await change(cookies, { quote: 'from tab A', version: newer })).status).toBe(303)
    expect(await storedQuote(email)).toBe('from tab A')
  })

  test('a save based on a quote deleted meanwhile creates nothing until asked again', async () => {
    const { email, cookies } = await userWith('first')
    const version = await formVersion(cookies)
    expect((await change(cookies, { version })).status).toBe(303)
    const refused = await change(cookies, { quote: 'stale edit', version })
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('deleted in another tab or window')
    expect(await storedQuote(email)).toBeNull()
    expect((await change(cookies, { quote: 'stale edit', version: '' })).status).toBe(303)
    expect(await storedQuote(email)).toBe('stale edit')
  })

  test('a new quote from a page that showed none is refused when one was saved meanwhile', async () => {
    const { email, cookies } = await userWith('saved in another tab')
    const refused = await change(cookies, {
      quote: 'typed on the empty page',
      version: '',
    })
    expect(refused.status).toBe(409)
    expect(await storedQuote(email)).toBe('saved in another tab')
  })

  test('a delete of an older version is refused, and asks about the newer text', async () => {
    const { email, cookies } = await userWith('first')
    const stale = await formVersion(cookies)
    expect((await change(cookies, { quote: 'newer', version: stale })).status).toBe(303)
    const refused = await change(cookies, { version: stale })
    expect(refused.status).toBe(409)
    const html = await refused.text()
    expect(html).toContain('Delete your quote?')
    expect(html).toMatch(/<blockquote[^>]*>newer<\/blockquote>/)
    expect(await storedQuote(email)).toBe('newer')
  })

  test('the same save sent twice (a double click, a retry) succeeds both times', async () => {
    const { email, cookies } = await userWith('first')
    const version = await formVersion(cookies)
    for (let time = 0; time < 2; time += 1) {
      const response = await change(cookies, { quote: '  second  ', version })
      expect(response.status).toBe(303)
    }
    expect(await storedQuote(email)).toBe('second')
  })

  test('a kept draft is saved against the version it was typed on, not the newest', async () => {
    const { email, cookies } = await userWith('first')
    const version = await formVersion(cookies)
    // The session ends mid-edit: the save is kept as a draft, with the version it was based on.
    const expired = sessionToken(
      localIdentity(process.env.QUOTEBOOK_DATA_DIR!).privateKey,
      { sub: localUserId(email), iat: now() - 3600, nbf: now() - 3610, exp: now() - 60 },
      'https://clerk.quotebook.invalid',
    )
    const kept = await change(
      { __session: expired.token, __client_uat: String(expired.payload.iat) },
      { quote: 'from the tab whose session ended', version },
    )
    const draft = setCookies(kept).get(CARRY)!.value
    // Meanwhile another tab saves a newer text.
    expect((await change(cookies, { quote: 'newer', version })).status).toBe(303)
    // Back, the draft's form is based on the old version, so saving it shows the newer text.
    const page = await (await handle(get('/', { ...cookies, [CARRY]: draft }))).text()
    expect(/name="version" value="([^"]*)"/.exec(page)![1]).toBe(version)
    const refused = await change(
      { ...cookies, [CARRY]: draft },
      { quote: 'from the tab whose session ended', version },
    )
    expect(refused.status).toBe(409)
    expect(await refused.text()).toMatch(/<blockquote[^>]*>newer<\/blockquote>/)
    expect(await storedQuote(email)).toBe('newer')
  })

  // A save committed between a delete and the read after it (read committed): made here by a
  // statement-level trigger, which runs after the delete, in its transaction, for this user only.
  test('a quote saved between a delete and its read: a delete without a version was still made', async () => {
    const { email } = await userWith()
    const userId = localUserId(email)
    // Through the app's role switch, which sets app.user_id for the trigger to see.
    const user = { id: userId, sessionToken: null }
    const name = `appears_${userId.replace(/\W/g, '_')}`
    try {
      await sql.query(`
        create function ${name}() returns trigger language plpgsql as $$
        begin
          if current_setting('app.user_id', true) = '${userId}' then
            insert into user_messages (user_id, message) values ('${userId}', 'saved meanwhile')
              on conflict (user_id) do nothing;
          end if;
          return null;
        end $$`)
      await sql.query(
        `create trigger ${name} after delete on user_messages for each statement execute function ${name}()`,
      )
      // Nothing to delete, then a quote appears: the request said no version, so it was made.
      const unversioned = await deleteQuote(user, undefined, newDeadline())
      expect(unversioned).toEqual({
        made: true,
        current: expect.objectContaining({ text: 'saved meanwhile' }),
      })
      // The page's delete of the version there is: made, though the read sees the new one.
      const { version } = (await getQuoteForUser(user, newDeadline()))!
      const current = await deleteQuote(user, version, newDeadline())
      expect(current).toEqual({
        made: true,
        current: expect.objectContaining({ text: 'saved meanwhile' }),
      })
      // The page's delete of a version that is no longer there: refused, with the newer quote.
      const stale = await deleteQuote(user, '2000-01-01T00:00:00.000000Z', newDeadline())
      expect(stale).toEqual({
        made: false,
        current: expect.objectContaining({ text: 'saved meanwhile' }),
      })
    } finally {
      await sql.query(`drop trigger if exists ${name} on user_messages`)
      await sql.query(`drop function if exists ${name}()`)
    }
  })

  // On PGlite (one connection) the two run one after the other; on a Postgres server they race,
  // and Postgres re-checks update_ts on the row the first one committed.
  test('two saves based on the same version at once: exactly one goes through', async () => {
    const { email, cookies } = await userWith('first')
    const version = await formVersion(cookies)
    const statuses = await Promise.all(
      ['one', 'two'].map(async (quote) => (await change(cookies, { quote, version })).status),
    )
    expect(statuses.sort()).toEqual([303, 409])
    expect(['one', 'two']).toContain(await storedQuote(email))
  })
})

describe('the pages’ old addresses', () => {
  test.each([
    ['/?edit', '/edit'],
    ['/?delete', '/delete'],
  ])('GET %s moved for good to %s, before any sign-in check', async (old, now) => {
    for (const cookies of [{}, (await userWith('Moved')).cookies]) {
      const response = await handle(get(old, cookies))
      expect(response.status).toBe(301)
      expect(response.headers.get('Location')).toBe(now)
    }
  })

  test.each([
    ['save', '/edit'],
    ['delete', '/delete'],
    ['discard-draft', '/draft/discard'],
  ])(
    'a form an old page posts to /?index (%s) is sent on to %s with its body',
    async (intent, now) => {
      const { email, cookies } = await userWith('Before the move')
      const fields = { intent, quote: 'Typed on an old page' }
      const response = await handle(post('/?index', fields, cookies))
      expect(response.status).toBe(307)
      expect(response.headers.get('Location')).toBe(now)
      expect(await storedQuote(email)).toBe('Before the move')
      // What a browser then does: the same form, posted again to the new address.
      const followed = await handle(post(now, fields, cookies))
      expect(followed.status).toBe(303)
      const stored = { save: 'Typed on an old page', delete: null }[intent]
      expect(await storedQuote(email)).toBe(stored === undefined ? 'Before the move' : stored)
    },
  )
})

describe('discarding a kept draft', () => {
  test('forgets it and goes back to the quote, which is as it was', async () => {
    const issuer = localIdentity(process.env.QUOTEBOOK_DATA_DIR!)
    const { email, cookies } = await userWith('Saved before')
    const expired = sessionToken(
      issuer.privateKey,
      { sub: localUserId(email), iat: now() - 3600, nbf: now() - 3610, exp: now() - 60 },
      'https://clerk.quotebook.invalid',
    )
    const kept = await save('Typed, then thought better of', {
      __session: expired.token,
      __client_uat: String(expired.payload.iat),
    })
    const draft = setCookies(kept).get(CARRY)!.value
    const withDraft = { ...cookies, [CARRY]: draft }
    expect(await (await handle(get('/', withDraft))).text()).toContain('Typed, then thought')
    const discarded = await handle(post('/draft/discard', {}, withDraft))
    expect(discarded.status).toBe(303)
    expect(discarded.headers.get('Location')).toBe('/')
    expect(setCookies(discarded).get(CARRY)?.attributes).toContain(CLEARED)
    const html = await (await handle(get('/', cookies))).text()
    expect(html).not.toContain('Typed, then thought')
    expect(await storedQuote(email)).toBe('Saved before')
  })
})
