import type { Locator, Page } from '@playwright/test'
import { expect, newUser, quoteField, signIn, test, withSavedQuote } from './fixtures'

// WCAG 2.2 non-text contrast (1.4.11) and focus visible (2.4.7), computed from the page's own
// styles: every control's focus indicator, and every text field's border, stand out at 3:1 from
// what is next to them, in light and dark; with forced colours, focus still shows and the filled
// buttons still have an edge.

interface Look {
  outlineStyle: string
  outlineWidth: number
  /** Contrast of the outline with the background behind the control. */
  outlineContrast: number
  borderStyle: string
  borderWidth: number
  /** Contrast of the border with the control's own background and with what is behind it. */
  borderContrast: number
  borderColor: string
  background: string
}

/** How `control` looks now, with the colours that matter reduced to contrast ratios. */
function look(control: Locator): Promise<Look> {
  return control.evaluate((element) => {
    // Computed colours may be oklch() (Tailwind 4) or system colours: a canvas pixel gives sRGB.
    const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!
    const rgba = (color: string) => {
      canvas.clearRect(0, 0, 1, 1)
      canvas.fillStyle = color
      canvas.fillRect(0, 0, 1, 1)
      const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data
      return [r!, g!, b!, a! / 255]
    }
    const luminance = ([r, g, b]: number[]) => {
      const [R, G, B] = [r!, g!, b!].map((channel) => {
        const c = channel / 255
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
      })
      return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!
    }
    const contrast = (a: number[], b: number[]) => {
      const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x)
      return (high! + 0.05) / (low! + 0.05)
    }
    const backgroundOf = (start: Element | null): number[] => {
      for (let node = start; node; node = node.parentElement) {
        const color = rgba(getComputedStyle(node).backgroundColor)
        if (color[3]! > 0) return color
      }
      // Nothing painted: the canvas is white.
      return [255, 255, 255, 1]
    }
    const style = getComputedStyle(element)
    const behind = backgroundOf(element.parentElement)
    const own = rgba(style.backgroundColor)[3]! > 0 ? rgba(style.backgroundColor) : behind
    const border = rgba(style.borderTopColor)
    return {
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      outlineContrast: contrast(rgba(style.outlineColor), behind),
      borderStyle: style.borderTopStyle,
      borderWidth: parseFloat(style.borderTopWidth),
      borderContrast:
        border[3] === 0 ? 1 : Math.min(contrast(border, own), contrast(border, behind)),
      borderColor: style.borderTopColor,
      background: style.backgroundColor,
    }
  })
}

/** Presses Tab until `control` has the focus, as a keyboard user reaches it. */
async function tabTo(page: Page, control: Locator) {
  for (let presses = 0; presses < 40; presses += 1) {
    if (await control.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press('Tab')
  }
  throw new Error('never reached with Tab')
}

/** The app's controls on each of its pages, reached as a user reaches them. */
const pages: {
  name: string
  open: (page: Page) => Promise<void>
  controls: (page: Page) => Locator[]
}[] = [
  {
    name: 'sign-in',
    open: async (page) => {
      await page.context().clearCookies()
      await page.goto('/sign-in')
    },
    controls: (page) => [
      page.getByLabel('Email'),
      page.getByLabel('Name'),
      page.getByRole('button', { name: 'Sign in' }),
    ],
  },
  {
    name: 'saved',
    open: async (page) => {
      await page.goto('/')
      if ((await page.locator('main blockquote').count()) === 0) {
        await withSavedQuote(page, 'Seen in every light')
      }
    },
    controls: (page) => [
      page.getByRole('banner').getByRole('link', { name: 'Quotebook' }),
      page.getByRole('button', { name: 'Sign out' }),
      page.getByRole('link', { name: 'Edit' }),
      page.getByRole('link', { name: 'Delete quote' }),
    ],
  },
  {
    name: 'edit',
    open: (page) => page.goto('/edit').then(() => {}),
    controls: (page) => [
      quoteField(page),
      page.getByRole('button', { name: 'Save changes' }),
      page.getByRole('link', { name: 'Cancel' }),
    ],
  },
  {
    name: 'confirm-delete',
    open: (page) => page.goto('/delete').then(() => {}),
    controls: (page) => [
      page.getByRole('button', { name: 'Yes, delete it' }),
      page.getByRole('link', { name: 'Keep it' }),
    ],
  },
]

for (const colorScheme of ['light', 'dark'] as const) {
  test(`${colorScheme}: focus outlines and field borders stand out at 3:1`, async ({ page }) => {
    await page.emulateMedia({ colorScheme })
    const failures: string[] = []
    for (const view of pages) {
      await view.open(page)
      for (const control of view.controls(page)) {
        await tabTo(page, control)
        const seen = await look(control)
        const name = `${view.name}: ${await control.evaluate((element) => element.outerHTML.slice(0, 60))}`
        if (seen.outlineStyle === 'none' || seen.outlineWidth < 2) {
          failures.push(`${name}: no focus outline`)
        } else if (seen.outlineContrast < 3) {
          failures.push(`${name}: focus outline ${seen.outlineContrast.toFixed(2)}:1`)
        }
        const isField = await control.evaluate((element) =>
          ['INPUT', 'TEXTAREA'].includes(element.tagName),
        )
        if (isField && seen.borderContrast < 3) {
          failures.push(`${name}: border ${seen.borderContrast.toFixed(2)}:1`)
        }
      }
      if (view.name === 'sign-in') await signIn(page, newUser('Contrast Checker'))
    }
    expect(failures).toEqual([])
  })
}

test('forced colours: every control shows focus, and the filled buttons keep an edge', async ({
  page,
}) => {
  await page.emulateMedia({ forcedColors: 'active' })
  await signIn(page, newUser('Forced Colours'))
  const failures: string[] = []
  for (const view of pages.slice(1)) {
    await view.open(page)
    for (const control of view.controls(page)) {
      await tabTo(page, control)
      const seen = await look(control)
      const name = `${view.name}: ${await control.evaluate((element) => element.outerHTML.slice(0, 60))}`
      if (seen.outlineStyle === 'none' || seen.outlineWidth < 1) failures.push(`${name}: no focus`)
      // Text links are underlined or plain words; every button and field needs an edge.
      const buttonLike = await control.evaluate((element) =>
        element.matches('button, input, textarea, a.rounded-md'),
      )
      const edgeless =
        seen.borderStyle === 'none' ||
        seen.borderWidth < 1 ||
        seen.borderColor === 'rgba(0, 0, 0, 0)'
      if (buttonLike && edgeless) {
        failures.push(
          `${name}: no edge (${seen.borderStyle} ${seen.borderWidth}px ${seen.borderColor})`,
        )
      }
    }
  }
  expect(failures).toEqual([])
})
