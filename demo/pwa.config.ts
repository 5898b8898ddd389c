/**
 * The offline PWA (vite-plugin-pwa → workbox generateSW), kept out of vite.config.ts.
 *
 * - Precached: the playground's shell (HTML, JS, CSS, icons) and the engines' own files
 *   (onnxruntime-web's .wasm/.mjs, tfjs's .wasm): without them nothing runs offline. ORT's
 *   JSEP .wasm is 28 MB, over workbox's 2 MiB default limit, hence maximumFileSizeToCacheInBytes.
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
    // assets/*.wasm is ORT's bundled copy of the JSEP binary, never fetched (wasmPaths points at engines/).
    globPatterns: ['demo/**/*.{html,js,css}', 'assets/**/*.{js,css}', 'engines/**/*.{wasm,mjs}'],
    globIgnores: ['models/**', 'e2e/**', 'bench/**', '**/*.map'],
    maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
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
