/**
 * The offline PWA (vite-plugin-pwa → workbox generateSW), kept out of vite.config.ts.
 *
 * - Precached: the playground's shell (HTML, JS, CSS, icons, web manifest) and the one tfjs
 *   binary edgeserve loads (tfjs-backend-wasm-simd.wasm: single-threaded SIMD, src/engines/tfjs.ts;
 *   tfjs fetches it itself, outside the runtime's engine-file cache). Not the e2e harness and its
 *   workers (another build pass, under e2e/, see vite.config.ts).
 * - Not precached: onnxruntime-web's .wasm/.mjs (public/engines/ort/: 14 MB plain WASM, 28 MB
 *   JSEP for WebGPU, which a WASM-only device never runs). They are the runtime's: its
 *   engine-file cache (src/engines/engine-file-cache.ts) keeps the flavour it ran, checked by
 *   SHA-256, and runs from that copy offline (offline-ready.ts waits for it before the banner).
 * - Not precached: model files (public/models/**). The runtime keeps them in IndexedDB after
 *   the first load; a second copy in Cache Storage would double the disk used.
 * - models/manifest.json: network-first with a cached fallback, so an online start sees new
 *   versions at once and an offline start still knows the models (the runtime worker fetches
 *   it with `cache: 'no-cache'`, which the service worker answers like any other request).
 * - registerType 'prompt': a new version waits until the page applies it (see demo/playground/pwa.ts).
 * - clientsClaim: the first service worker takes the page that installed it, so ONE online
 *   visit is enough (without it the page of the first visit is never controlled and nothing it
 *   fetches afterwards is cached). An update still waits: claiming happens only on activation.
 */
import type { VitePWAOptions } from 'vite-plugin-pwa';

import { MANIFEST_CACHE } from './playground/offline-ready.js';

export const pwaOptions: Partial<VitePWAOptions> = {
  registerType: 'prompt',
  injectRegister: false,
  includeManifestIcons: true,
  manifest: {
    name: 'edgeserve playground',
    short_name: 'edgeserve',
    description: 'fp32 vs int8 models, side by side, running on this device — online or offline.',
    start_url: '/demo/',
    scope: '/',
    display: 'standalone',
    background_color: '#f4f6fb',
    theme_color: '#2f5bea',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  },
  workbox: {
    globPatterns: ['demo/**/*.{html,js,css}', 'assets/**/*.{js,css}', 'engines/tfjs/tfjs-backend-wasm-simd.wasm'],
    globIgnores: ['models/**', 'e2e/**', 'bench/**', '**/*.map'],
    // The tfjs chunk is 2.5 MB, over workbox's 2 MiB default: a file over the limit is left out
    // with only a build warning, and the app would then miss it offline.
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    // There is no SPA fallback: every page is its own HTML file.
    navigateFallback: null,
    // /demo/?model=ocr-det must still find the precached /demo/index.html.
    ignoreURLParametersMatching: [/.*/],
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    runtimeCaching: [
      {
        urlPattern: ({ url }) => url.pathname.endsWith('/models/manifest.json'),
        handler: 'NetworkFirst',
        options: { cacheName: MANIFEST_CACHE, networkTimeoutSeconds: 10, cacheableResponse: { statuses: [200] } },
      },
    ],
  },
};
