import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, defineConfig, devices } from '@playwright/test'
import { e2eDataDir } from './helpers/e2e-paths'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = Number(process.env.E2E_PORT ?? 4317)
const baseURL = `http://127.0.0.1:${port}`

// `npx playwright install` cannot download here; Debian's chromium stands in for Playwright's own.
const bundled = chromium.executablePath()

// The online Clerk suite (tests/e2e/clerk-online.spec.ts) runs the server in Clerk mode;
// everything else runs it in local mode, offline.
const online = ['CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'E2E_CLERK_USER_EMAIL'].every(
  (name) => process.env[name],
)
const executablePath = existsSync(bundled) ? undefined : '/usr/bin/chromium'

export default defineConfig({
  testDir: './e2e',
  outputDir: './.artifacts/results',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: process.env.CI
    ? [['list']]
    : [['list'], ['html', { outputFolder: './.artifacts/report', open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      // Without these Chromium keeps dialing Google's services, which this network refuses.
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    // Every user flow, with JavaScript on and with it off.
    {
      name: 'js',
      use: { ...devices['Desktop Chrome'] },
      testIgnore: /startup\.spec|dev-server\.spec/,
    },
    {
      name: 'no-js',
      use: { ...devices['Desktop Chrome'], javaScriptEnabled: false },
      // Clerk's own components, and what JavaScript adds, need JavaScript.
      testIgnore:
        /startup\.spec|dev-server\.spec|clerk-online\.spec|enhanced\.spec|offline\.spec|screenshots\.spec/,
    },
    // Start-up checks of the production server, which need no browser.
    { name: 'server', testMatch: /startup\.spec/ },
    // `npm run dev` from a cold start, as a newcomer first runs it.
    { name: 'dev', use: { ...devices['Desktop Chrome'] }, testMatch: /dev-server\.spec/ },
  ],
  webServer: {
    // The production build, served as `npm start` serves it.
    // A fresh data directory, and a production build whatever NODE_ENV the server then runs with.
    command: `rm -rf "${e2eDataDir}" && NODE_ENV=production npm run build && node build/server/index.js`,
    cwd: root,
    url: `${baseURL}/favicon.svg`,
    reuseExistingServer: false,
    timeout: 180_000,
    // The server's log (its build's output, one JSON line per request) only when asked for: a
    // passing run prints the tests' results alone.
    stdout: process.env.QUOTEBOOK_TEST_LOGS === '1' ? 'pipe' : 'ignore',
    stderr: process.env.QUOTEBOOK_TEST_LOGS === '1' ? 'pipe' : 'ignore',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      // Not "production": without DATABASE_URL the server then uses the embedded database.
      NODE_ENV: 'test',
      QUOTEBOOK_DATA_DIR: e2eDataDir,
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      ...(online
        ? {
            CLERK_PUBLISHABLE_KEY: process.env.CLERK_PUBLISHABLE_KEY!,
            CLERK_SECRET_KEY: process.env.CLERK_SECRET_KEY!,
            ...(process.env.CLERK_JWT_KEY ? { CLERK_JWT_KEY: process.env.CLERK_JWT_KEY } : {}),
          }
        : {}),
    },
  },
})
