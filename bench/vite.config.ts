/**
 * Production build of the bench page, on its own: the repo's vite.config.ts carries the demo's
 * PWA plugin and inputs, which the bench neither needs nor should depend on. Same COOP/COEP
 * headers (WASM threads need cross-origin isolation), ES workers, ORT kept out of the optimizer.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.BENCH_PORT ?? 4201);
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * js-clipper (a dependency of the peer app @gutenye/ocr-browser) has Latin-1 bytes in its
 * comments, and Rolldown refuses any source that is not UTF-8: read it as Latin-1 instead.
 */
const latin1Clipper: Plugin = {
  name: 'bench-latin1-js-clipper',
  enforce: 'pre',
  load(id) {
    if (!/[\\/]js-clipper[\\/]clipper\.js$/.test(id.split('?')[0]!)) return null;
    return readFileSync(id.split('?')[0]!, 'latin1');
  },
};

export default defineConfig({
  root,
  plugins: [latin1Clipper],
  server: { headers: isolation, port, strictPort: true },
  preview: { headers: isolation, port, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    outDir: '.bench-build',
    emptyOutDir: true,
    // opencv.js (the peer app's dependency) is one 10 MB file; the warning says nothing new.
    chunkSizeWarningLimit: 20_000,
    rollupOptions: { input: { bench: 'bench/pages/bench.html' } },
  },
});
