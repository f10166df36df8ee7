import { type RouteConfig, index, layout, route } from '@react-router/dev/routes'

export default [
  // The quote's pages: one layout loads the quote; each page is one view of it.
  layout('routes/quote/layout.tsx', [
    index('routes/quote/show.tsx'),
    route('edit', 'routes/quote/edit.tsx'),
    route('delete', 'routes/quote/delete.tsx'),
  ]),
  route('draft/discard', 'routes/quote/discard-draft.ts'),
  route('sign-in/*', 'routes/sign-in.tsx'),
  route('sign-up/*', 'routes/sign-up.tsx'),
  route('sign-out', 'routes/sign-out.tsx'),
  route('healthz', 'routes/healthz.ts'),
  route('api/webhooks/clerk', 'routes/clerk-webhook.ts'),
  route('*', 'routes/not-found.tsx'),
] satisfies RouteConfig
