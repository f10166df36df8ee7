/** Class names for the app's buttons and button-like links, in the seed's colours. */
export const primaryButton =
  'inline-flex items-center justify-center rounded-md bg-[#00E699] px-4 py-2 font-semibold text-gray-950 ' +
  'hover:bg-[#00cc88] focus:outline-none focus-visible:ring-2 focus-visible:ring-gray-900 ' +
  'focus-visible:ring-offset-2 disabled:opacity-60 dark:focus-visible:ring-white dark:focus-visible:ring-offset-gray-950'

export const secondaryButton =
  'inline-flex items-center justify-center rounded-md border border-gray-400 px-4 py-2 font-semibold ' +
  'hover:bg-gray-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-[#00E699] dark:border-gray-500 dark:hover:bg-gray-800'

export const dangerButton =
  'inline-flex items-center justify-center rounded-md bg-red-700 px-4 py-2 font-semibold text-white ' +
  'hover:bg-red-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-gray-900 focus-visible:ring-offset-2 ' +
  'dark:focus-visible:ring-white dark:focus-visible:ring-offset-gray-950'
