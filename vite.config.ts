import { reactRouter } from '@react-router/dev/vite'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vitest/config'

// Vitest reads this file too. It runs plain modules, so the app's plugins stay out of tests.
const isVitest = process.env.VITEST !== undefined

export default defineConfig({
  // Static files live under app/, since the top level holds only what the design card lists.
  publicDir: 'app/public',
  plugins: isVitest ? [] : [tailwindcss(), reactRouter()],
  server: { port: 5173, strictPort: false },
  // Bundled into the server build so that Clerk's components and the app share one copy of
  // react-router (two copies mean "useNavigate() may be used only in the context of a <Router>").
  ssr: { noExternal: ['@clerk/react-router'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['app/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/helpers/setup.ts'],
          globalSetup: ['tests/helpers/build.ts'],
          env: {
            // Each test file runs in its own process, with its own in-memory embedded database
            // unless DATABASE_URL names a server.
            QUOTEBOOK_DATA_DIR: 'memory://',
            NODE_ENV: 'test',
          },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
