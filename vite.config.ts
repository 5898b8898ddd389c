/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { defaultClientConditions, defineConfig, type PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaOptions } from './demo/pwa.config.js';
import { litertAlias } from './tools/build/litert-alias.js';

/**
 * COOP/COEP make the pages cross-origin isolated, which WASM threads need (SharedArrayBuffer).
 * Both the dev server and `vite preview` send them.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // The drop-in script is used from other origins: its engines' .wasm/.mjs and the models are
  // then fetched cross-origin (CORS), and a COEP page only takes them with CORP cross-origin.
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/**
 * `vite build` is what users get: the playground, the drop-in page and the PWA around them.
 * `vite build --mode e2e` adds, into the same outDir after it, the e2e harness page and its
 * test-only workers under e2e/ (e2e/playwright.config.ts runs both): so nothing of the harness
 * reaches dist/ or the service worker's precache, and the e2e suite still tests the very
 * build users ship.
 */
const E2E_MODE = 'e2e';
const APP_INPUT: Record<string, string> = { demo: 'demo/index.html', 'drop-in': 'demo/drop-in.html' };
const E2E_INPUT: Record<string, string> = { harness: 'e2e/pages/harness.html' };

export default defineConfig(({ mode }) => {
  const e2e = mode === E2E_MODE;
  const plugins: PluginOption[] = e2e ? [] : [VitePWA(pwaOptions)];
  return {
    server: { headers: isolation, port: 5173, strictPort: true },
    preview: { headers: isolation, port: 4173, strictPort: true },
    worker: { format: 'es' },
    plugins,
    // onnxruntime-web finds its glue through import.meta.url; pre-bundling moves it. We set
    // wasmPaths ourselves, but keeping it out of the optimizer keeps dev and build alike.
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    // onnxruntime-web's default entry embeds a reference to its 28 MB .wasm, which a build then
    // copies into assets/ unused (we serve engines/ort/ and set wasmPaths). This export condition
    // selects its entry that loads the .wasm/.mjs from wasmPaths only.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions], alias: [litertAlias] },
    // The e2e pass writes beside the app's build: its public/ copy (models, engines) is there already.
    ...(e2e ? { publicDir: false as const } : {}),
    build: {
      target: 'es2022',
      ...(e2e ? { emptyOutDir: false, assetsDir: 'e2e/assets' } : {}),
      rollupOptions: { input: e2e ? E2E_INPUT : APP_INPUT },
    },
    test: {
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      // Vitest's default (cores - 1) runs the files one at a time on a 2-core machine; most of
      // them wait on loopback servers and real engines as much as they compute: 85 s instead of 111 s there.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      // Transformed by Vite, not loaded by Node: the alias above must reach its import of @litertjs/wasm-utils.
      server: { deps: { inline: ['@litertjs/core'] } },
    },
  };
});
