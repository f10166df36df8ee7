import type { Config } from '@react-router/dev/config'

export default {
  ssr: true,
  // Every React Router v8 flag is set, so neither `dev` nor `build` warns. All are on but one; see
  // app/README.md ("React Router's future flags") for why v8_passThroughRequests stays off.
  future: {
    v8_middleware: true,
    v8_splitRouteModules: true,
    v8_viteEnvironmentApi: true,
    v8_trailingSlashAwareDataRequests: true,
    v8_passThroughRequests: false,
  },
} satisfies Config
