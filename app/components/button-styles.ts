/**
 * Class names for the app's controls. Focus shows as an outline, never only a box-shadow ring:
 * forced-colours mode drops shadows and keeps outlines (in a system colour). It is near-black on
 * white and white on the dark background, well above the 3:1 WCAG 2.2 asks of a focus indicator.
 * Filled buttons have a transparent border, which forced-colours mode draws, so they still look
 * like buttons there. Forced colours paint a link in LinkText and a button in ButtonText, so every
 * control styled as a button names the button's system colours: a link that acts as a button
 * looks like the buttons beside it.
 */
export const focusRing =
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-gray-900 dark:focus-visible:outline-white'

const button =
  'inline-flex items-center justify-center rounded-md border px-4 py-2 font-semibold ' +
  `forced-colors:border-[ButtonText] forced-colors:bg-[ButtonFace] forced-colors:text-[ButtonText] ${focusRing}`

export const primaryButton = `${button} border-transparent bg-[#00E699] text-gray-950 hover:bg-[#00cc88] disabled:opacity-60`

export const secondaryButton = `${button} border-gray-500 hover:bg-gray-100 dark:border-gray-400 dark:hover:bg-gray-800`

export const dangerButton = `${button} border-transparent bg-red-700 text-white hover:bg-red-800 disabled:opacity-60`

/**
 * Text inputs: a border of at least 3:1 against the page in both themes, and the same focus. A
 * placeholder is an example, in italics and, in forced colours, GrayText (Chromium would otherwise
 * paint it as the field's text); an invalid field's border is thicker, which no colour mode drops.
 */
export const textField =
  'block w-full rounded-md border border-gray-500 bg-white px-3 py-2 text-base text-gray-900 ' +
  'placeholder:text-gray-600 placeholder:italic forced-colors:placeholder:text-[GrayText] ' +
  'focus:outline-2 focus:outline-offset-2 focus:outline-gray-900 aria-[invalid=true]:border-2 aria-[invalid=true]:border-red-700 ' +
  'dark:border-gray-400 dark:bg-gray-900 dark:text-gray-100 dark:placeholder:text-gray-400 dark:focus:outline-white dark:aria-[invalid=true]:border-red-400'
