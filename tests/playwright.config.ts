import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, defineConfig, devices } from '@playwright/test'
import {
  baseUrlOf,
  e2eServers,
  type RowLevelSecurity,
  rowLevelSecurityEnv,
  type ServerOptions,
} from './helpers/e2e-servers'

const root = fileURLToPath(new URL('..', import.meta.url))

// `npx playwright install` cannot download here; Debian's chromium stands in for Playwright's own.
const bundled = chromium.executablePath()

// The online Clerk suite (tests/e2e/clerk-online.spec.ts) runs the server in Clerk mode;
// everything else runs it in local mode, offline.
const online = ['CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'E2E_CLERK_USER_EMAIL'].every(
  (name) => process.env[name],
)
const executablePath = existsSync(bundled) ? undefined : '/usr/bin/chromium'

/** A browser project's tests run on the server of its mode. */
const onServer = (mode: RowLevelSecurity) => ({ rowLevelSecurity: mode, baseURL: baseUrlOf(mode) })

// Start-up and `npm run dev` have projects of their own.
const ownProjects = /startup\.spec|dev-server\.spec/
// Clerk's own components, and what JavaScript adds, need JavaScript.
const needJavaScript = /clerk-online\.spec|enhanced\.spec|offline\.spec|screenshots\.spec/
// It writes the README's pictures, which must come from one server: the app-role one.
const writesReadmePictures = /screenshots\.spec/

// The servers' logs (the build's output, one JSON line per request) only when asked for: a
// passing run prints the tests' results alone.
const serverOutput: 'pipe' | 'ignore' = process.env.QUOTEBOOK_TEST_LOGS === '1' ? 'pipe' : 'ignore'

/**
 * The production server in `mode`, as `npm start` serves the build, on a fresh data directory;
 * with `build`, a production build first, whatever NODE_ENV the server then runs with.
 */
function productionServer(mode: RowLevelSecurity, { build }: { build: boolean }) {
  const { port, dataDir } = e2eServers[mode]
  const steps = [
    `rm -rf "${dataDir}"`,
    ...(build ? ['NODE_ENV=production npm run build'] : []),
    'node build/server/index.js',
  ]
  return {
    command: steps.join(' && '),
    cwd: root,
    url: `${baseUrlOf(mode)}/favicon.svg`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: serverOutput,
    stderr: serverOutput,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      // Not "production": without DATABASE_URL the server then uses the embedded database.
      NODE_ENV: 'test',
      QUOTEBOOK_DATA_DIR: dataDir,
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      ...rowLevelSecurityEnv(mode, process.env.DATABASE_URL),
      // The online Clerk suite runs against the app-role server only: the token server would
      // need CLERK_JWT_KEY to check Clerk's tokens as Neon does.
      ...(online && mode === 'app-role'
        ? {
            CLERK_PUBLISHABLE_KEY: process.env.CLERK_PUBLISHABLE_KEY!,
            CLERK_SECRET_KEY: process.env.CLERK_SECRET_KEY!,
            ...(process.env.CLERK_JWT_KEY ? { CLERK_JWT_KEY: process.env.CLERK_JWT_KEY } : {}),
          }
        : {}),
    },
  }
}

export default defineConfig<object, ServerOptions>({
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
    // The start-up and dev projects' server; each browser project names its own.
    baseURL: baseUrlOf('app-role'),
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
    // Every user flow, with JavaScript on and with it off, on the server in each mode of
    // row-level security.
    {
      name: 'js',
      use: { ...devices['Desktop Chrome'], ...onServer('app-role') },
      testIgnore: ownProjects,
    },
    {
      name: 'no-js',
      use: { ...devices['Desktop Chrome'], javaScriptEnabled: false, ...onServer('app-role') },
      testIgnore: [ownProjects, needJavaScript],
    },
    {
      name: 'js · token',
      use: { ...devices['Desktop Chrome'], ...onServer('token') },
      testIgnore: [ownProjects, writesReadmePictures],
    },
    {
      name: 'no-js · token',
      use: { ...devices['Desktop Chrome'], javaScriptEnabled: false, ...onServer('token') },
      testIgnore: [ownProjects, needJavaScript, writesReadmePictures],
    },
    // Start-up checks of the production server, which need no browser.
    { name: 'server', testMatch: /startup\.spec/ },
    // `npm run dev` from a cold start, as a newcomer first runs it.
    { name: 'dev', use: { ...devices['Desktop Chrome'] }, testMatch: /dev-server\.spec/ },
  ],
  // One build, then a server in each mode. Playwright starts its web servers one after another,
  // each once the one before answers, so the second finds the build the first made.
  webServer: [
    productionServer('app-role', { build: true }),
    productionServer('token', { build: false }),
  ],
})
