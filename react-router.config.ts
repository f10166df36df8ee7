import type { Config } from '@react-router/dev/config'

export default {
  ssr: true,
  // Every React Router v8 flag is on, so neither `dev` nor `build` warns; see app/README.md
  // ("React Router's future flags").
  future: {
    v8_middleware: true,
    v8_splitRouteModules: true,
    v8_viteEnvironmentApi: true,
    v8_trailingSlashAwareDataRequests: true,
    v8_passThroughRequests: true,
  },
} satisfies Config
