import { type RouteConfig, index, route } from '@react-router/dev/routes'

export default [
  index('routes/home.tsx'),
  route('sign-in/*', 'routes/sign-in.tsx'),
  route('sign-up/*', 'routes/sign-up.tsx'),
  route('sign-out', 'routes/sign-out.tsx'),
  route('healthz', 'routes/healthz.ts'),
  route('api/webhooks/clerk', 'routes/clerk-webhook.ts'),
  route('*', 'routes/not-found.tsx'),
] satisfies RouteConfig
