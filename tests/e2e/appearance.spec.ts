import type { Locator, Page } from '@playwright/test'
import {
  expect,
  keepScreenshot,
  quoteField,
  test,
  waitForHydration,
  withSavedQuote,
} from './fixtures'

// How the quote's pages read at a glance, in light, dark and forced colours, and at 320 px: an
// example looks like an example, an error keeps a cue without colour, a link that acts as a
// button looks like the buttons beside it, and the page's top says its name once.

const modes = [
  { name: 'light', media: { colorScheme: 'light', forcedColors: 'none' } },
  { name: 'dark', media: { colorScheme: 'dark', forcedColors: 'none' } },
  { name: 'forced colours', media: { colorScheme: 'light', forcedColors: 'active' } },
] as const

/** A colour as the browser paints it, in sRGB (computed colours may be oklch or system colours). */
function painted(page: Page, color: string) {
  return page.evaluate((value) => {
    const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!
    canvas.clearRect(0, 0, 1, 1)
    canvas.fillStyle = value
    canvas.fillRect(0, 0, 1, 1)
    return [...canvas.getImageData(0, 0, 1, 1).data].join(',')
  }, color)
}

/** What a control looks like: the colours that tell a button from a link. */
const paint = (control: Locator) =>
  control.evaluate((element) => {
    const style = getComputedStyle(element)
    return {
      color: style.color,
      background: style.backgroundColor,
      border: `${style.borderTopStyle} ${style.borderTopColor}`,
    }
  })

const placeholderOf = (field: Locator) =>
  field.evaluate((element) => {
    const style = getComputedStyle(element, '::placeholder')
    return { color: style.color, fontStyle: style.fontStyle }
  })

/** Whether a colour is red: what a placeholder beside an error must not turn. */
const isRed = (rgb: string) => {
  const [r, g, b] = rgb.split(',').map(Number) as [number, number, number]
  return r > g + 60 && r > b + 60
}

test('the placeholder reads as an example, in every colour mode, with an error beside it too', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await expect(quoteField(page)).toHaveAttribute(
    'placeholder',
    'e.g. Mistakes are the portals of discovery - James Joyce',
  )
  await page.getByRole('button', { name: 'Save quote' }).click()
  await expect(page.getByRole('alert')).toContainText('Write a quote before saving.')
  for (const mode of modes) {
    await page.emulateMedia(mode.media)
    const placeholder = await placeholderOf(quoteField(page))
    expect(placeholder.fontStyle, mode.name).toBe('italic')
    const color = await painted(page, placeholder.color)
    // Forced colours paint placeholders in GrayText, whatever it is (Chromium's emulation: a dark red).
    if (mode.name === 'forced colours') expect(color).toBe(await painted(page, 'GrayText'))
    else expect(isRed(color), `${mode.name}: placeholder ${color}`).toBe(false)
  }
})

test('an error keeps a cue besides its colour, in forced colours too', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await page.getByRole('button', { name: 'Save quote' }).click()
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('Write a quote before saving.')
  for (const mode of modes) {
    await page.emulateMedia(mode.media)
    // An icon, and an edge down the message's side, which forced colours keep.
    await expect(alert.locator('svg'), mode.name).toBeVisible()
    const edge = await alert.evaluate((element) => {
      const style = getComputedStyle(element)
      return {
        style: style.borderLeftStyle,
        width: parseFloat(style.borderLeftWidth),
        color: style.borderLeftColor,
      }
    })
    expect(edge.style, mode.name).toBe('solid')
    expect(edge.width, mode.name).toBeGreaterThanOrEqual(3)
    expect(await painted(page, edge.color), mode.name).not.toBe(await painted(page, 'transparent'))
    await keepScreenshot(page, `error-${mode.name.replace(' ', '-')}`)
  }
})

test('forced colours: a link that acts as a button looks like the button beside it', async ({
  page,
  user: _,
}) => {
  await withSavedQuote(page, 'Seen in forced colours')
  await page.emulateMedia({ forcedColors: 'active' })
  await page.goto('/delete')
  const button = await paint(page.getByRole('button', { name: 'Yes, delete it' }))
  const link = await paint(page.getByRole('link', { name: 'Keep it' }))
  expect(link).toEqual(button)
  await page.goto('/edit')
  expect(await paint(page.getByRole('link', { name: 'Cancel' }))).toEqual(
    await paint(page.getByRole('button', { name: 'Save changes' })),
  )
})

test('the top of the page says "Quotebook" once, and its heading says where you are', async ({
  page,
  user: _,
}) => {
  await page.goto('/')
  await expect(page.getByText('Quotebook', { exact: true })).toHaveCount(1)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Save an inspiring quote for yourself...',
  )
  await withSavedQuote(page, 'Said once')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your quote is wonderful...')
  await expect(page.getByText('Quotebook', { exact: true })).toHaveCount(1)
})

test('the header lines up with the content, and is one compact row at 320 px', async ({
  page,
  user: _,
}) => {
  await withSavedQuote(page, 'Lined up')
  await page.setViewportSize({ width: 1280, height: 720 })
  const brand = await page
    .getByRole('banner')
    .getByRole('link', { name: 'Quotebook' })
    .boundingBox()
  const content = await page.locator('main blockquote').boundingBox()
  expect(Math.abs(brand!.x - content!.x)).toBeLessThan(1)

  await page.setViewportSize({ width: 320, height: 560 })
  const header = await page.getByRole('banner').boundingBox()
  expect(header!.height).toBeLessThanOrEqual(64)
  await expect(page.getByRole('banner').getByRole('button', { name: 'Sign out' })).toBeVisible()
})

test('every button and link that acts as one is named in sentence case', async ({
  page,
  user: _,
}) => {
  const names: string[] = []
  const collect = async () => {
    for (const control of await page.locator('main button, main a.rounded-md').all()) {
      names.push((await control.textContent())!.trim())
    }
  }
  await page.goto('/')
  await collect()
  await withSavedQuote(page, 'Named alike')
  await collect()
  await page.goto('/edit')
  await collect()
  await page.goto('/delete')
  await collect()
  expect(names).toEqual(
    expect.arrayContaining(['Save quote', 'Edit', 'Delete quote', 'Save changes', 'Keep it']),
  )
  for (const name of names) expect(name).toMatch(/^[A-Z][^A-Z]*$/)
})

test('the sign-in page focuses its email field', async ({ page, javaScriptEnabled }) => {
  await page.goto('/sign-in')
  await expect(page.getByLabel('Email')).toBeFocused()
  if (!javaScriptEnabled) return
  // Arriving with a move in the browser too: signing in, then out.
  await waitForHydration(page)
  await page.getByLabel('Email').fill(`focus+${Date.now()}@example.com`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByLabel('Email')).toBeFocused()
})
