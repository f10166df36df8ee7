import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { reactRouter } from '@react-router/dev/vite'
import tailwindcss from '@tailwindcss/vite'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

// Vitest reads this file too. It runs plain modules, so the app's plugins stay out of tests.
const isVitest = process.env.VITEST !== undefined

/**
 * Brotli and gzip copies of every compressible file of the browser build, made once at build
 * time, so the production server (app/http/static-files.server.ts) never compresses per request.
 */
function precompressClientBuild(): Plugin {
  const compressible = /\.(?:js|mjs|css|svg|json|txt|html|map|webmanifest)$/
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    )
  return {
    name: 'quotebook:precompress',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    writeBundle: {
      sequential: true,
      order: 'post',
      handler(options) {
        if (!options.dir) return
        for (const file of walk(options.dir)) {
          // Below about a packet, compression saves nothing worth a header.
          if (!compressible.test(file) || statSync(file).size < 1024) continue
          const content = readFileSync(file)
          writeFileSync(
            `${file}.br`,
            brotliCompressSync(content, {
              params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
            }),
          )
          writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }))
        }
      },
    },
  }
}

export default defineConfig(({ command }) => ({
  // Static files live under app/, since the top level holds only what the design card lists.
  publicDir: 'app/public',
  plugins: isVitest ? [] : [tailwindcss(), reactRouter(), precompressClientBuild()],
  // `npm run dev` is the app's own server with Vite in middleware mode (app/dev-server.ts, which
  // picks the port); Vite only watches and transforms.
  server: {
    // Test output, the embedded database and the bench's builds are not the app's source: a file
    // written there must not reload the pages of a running dev server.
    watch: { ignored: ['**/tests/.artifacts/**', '**/.data/**', '**/.bench/**'] },
    // Vite serves any file under the project to the dev server's clients: not the embedded
    // database, the tests' output or the bench's builds (Vite's own list first).
    fs: {
      deny: [
        '.env',
        '.env.*',
        '*.{crt,pem}',
        '**/.git/**',
        '**/.data/**',
        '**/tests/.artifacts/**',
        '**/.bench/**',
      ],
    },
  },
  // The browser's dependencies beyond React Router's own, bundled before the first page: one
  // that Vite discovers on a later request makes it reload every open page, emptying the form a
  // newcomer is typing in (tests/e2e/dev-server.spec.ts fails if one is missing here).
  optimizeDeps: { include: ['@clerk/react-router', 'zod/mini'] },
  environments: {
    // The server build's entry is Quotebook's own server, which loads React Router's build
    // (virtual:react-router/server-build) itself; `npm start` runs build/server/index.js.
    ssr: { build: { rolldownOptions: { input: 'app/server.ts' } } },
  },
  // Bundled into the server build so that Clerk's components and the app share one copy of
  // react-router (two copies mean "useNavigate() may be used only in the context of a <Router>").
  // The build bundles the `cookie` it pins too (installed beneath it, not at the top, where no
  // production dependency of the app puts one): imported bare from build/, it would not be found
  // once dev dependencies are pruned. The dev server loads it from beneath Clerk as it is, since
  // Vite's module runner cannot evaluate its CommonJS.
  ssr: { noExternal: ['@clerk/react-router', ...(command === 'build' ? ['cookie'] : [])] },
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
}))
