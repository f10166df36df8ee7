import type { Config } from '@react-router/dev/config'

export default {
  ssr: true,
  // Every route is in the page's manifest from the start: a handful of routes, and a page that
  // keeps working offline never has to ask the server where its links go.
  routeDiscovery: { mode: 'initial' },
} satisfies Config
