import type { Config } from '@react-router/dev/config'

// The quickstart-shaped app the bench measures Quotebook against (see README.md here). On React
// Router 8, as Clerk's quickstart is: middleware and `/_.data` for `/` are the defaults.
export default {
  ssr: true,
  // Built by `npm run bench` beside its other output, never into the source tree.
  buildDirectory: '../../../.bench/quickstart',
} satisfies Config
