/// <reference types="vitest/config" />
import { defaultClientConditions, defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { pwaOptions } from './demo/pwa.config.js';

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

export default defineConfig({
  server: { headers: isolation, port: 5173, strictPort: true },
  preview: { headers: isolation, port: 4173, strictPort: true },
  worker: { format: 'es' },
  plugins: [VitePWA(pwaOptions)],
  // onnxruntime-web finds its glue through import.meta.url; pre-bundling moves it. We set
  // wasmPaths ourselves, but keeping it out of the optimizer keeps dev and build alike.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // onnxruntime-web's default entry embeds a reference to its 28 MB .wasm, which a build then
  // copies into assets/ unused (we serve engines/ort/ and set wasmPaths). This export condition
  // selects its entry that loads the .wasm/.mjs from wasmPaths only.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  build: {
    target: 'es2022',
    rollupOptions: { input: { demo: 'demo/index.html', 'drop-in': 'demo/drop-in.html', harness: 'e2e/pages/harness.html' } },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
