import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Chromium: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own browser.
 * WebGPU runs for real on SwiftShader (no GPU needed) with the two WebGPU flags; the
 * "no-webgpu" project launches without them to prove the WASM fallback.
 */
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const quietChromium = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const webgpu = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
// The suite runs against a production build served by `vite preview` (COOP/COEP on): that is
// what users ship, and where onnxruntime-web's threaded WASM has broken before (docs/ARCHITECTURE.md, "Engines").
// E2E_PORT lets two suites run side by side; each builds into its own folder so one build
// never replaces the files another suite is serving. The app's build (what users ship, service
// worker included) comes first; `--mode e2e` then adds the harness page and its test workers
// under e2e/ (vite.config.ts), outside the app's precache.
const port = Number(process.env.E2E_PORT ?? 4173);
const outDir = `.e2e-build-${port}`;
const build = (mode = '') => `npx vite build --logLevel warn --outDir ${outDir}${mode && ` --mode ${mode}`}`;

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  globalSetup: './browser-version.setup.ts',
  // One at a time: two cores, and WebGPU on SwiftShader is CPU-bound.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium-webgpu',
      testIgnore: /no-webgpu-fallback\.spec\.ts$/,
      use: { browserName: 'chromium', launchOptions: { executablePath, args: [...quietChromium, ...webgpu] } },
    },
    {
      name: 'chromium-no-webgpu',
      testMatch: /no-webgpu-fallback\.spec\.ts$/,
      use: { browserName: 'chromium', launchOptions: { executablePath, args: quietChromium } },
    },
  ],
  webServer: {
    command: `${build()} && ${build('e2e')} && npx vite preview --outDir ${outDir} --port ${port} --strictPort`,
    cwd: '..',
    url: `http://localhost:${port}/e2e/pages/harness.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
