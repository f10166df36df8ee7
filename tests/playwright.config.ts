import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, defineConfig, devices } from '@playwright/test'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = Number(process.env.E2E_PORT ?? 4317)
const baseURL = `http://127.0.0.1:${port}`

// `npx playwright install` cannot download here; Debian's chromium stands in for Playwright's own.
const bundled = chromium.executablePath()
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
    { name: 'js', use: { ...devices['Desktop Chrome'] } },
    { name: 'no-js', use: { ...devices['Desktop Chrome'], javaScriptEnabled: false } },
  ],
  webServer: {
    // The production build, served as `npm start` serves it.
    command:
      'npm run build && node node_modules/@react-router/serve/bin.js ./build/server/index.js',
    cwd: root,
    url: `${baseURL}/favicon.svg`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      // Not "production": without DATABASE_URL the server then uses a fresh in-memory database.
      NODE_ENV: 'test',
      QUOTEBOOK_DATA_DIR: 'memory://',
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    },
  },
})
