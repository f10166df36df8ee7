import { reactRouter } from '@react-router/dev/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [reactRouter()],
  // As in Quotebook: one copy of react-router for Clerk's components and the app.
  ssr: { noExternal: ['@clerk/react-router', 'cookie'] },
})
