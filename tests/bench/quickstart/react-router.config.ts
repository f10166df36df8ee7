import type { Config } from '@react-router/dev/config'

// The quickstart-shaped app the bench measures Quotebook against (see README.md here).
export default {
  ssr: true,
  // Clerk's quickstart turns middleware on; the data URL of `/` is `/_.data`, as Quotebook's.
  future: { v8_middleware: true, v8_trailingSlashAwareDataRequests: true },
  // Built by `npm run bench` beside its other output, never into the source tree.
  buildDirectory: '../../../.bench/quickstart',
} satisfies Config
