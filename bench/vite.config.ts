/**
 * Production build of the bench pages: the repo's own Vite config (COOP/COEP headers, ES
 * workers, onnxruntime-web kept out of the optimizer) with the bench page as the only input and
 * its own port range, so it never replaces the files an e2e or demo server is serving.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type UserConfig } from 'vite';
import base from '../vite.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.BENCH_PORT ?? 4201);

const { build: _build, test: _test, ...shared } = base as UserConfig & { test?: unknown };

export default defineConfig(
  mergeConfig(shared, {
    root,
    server: { port, strictPort: true },
    preview: { port, strictPort: true },
    build: {
      target: 'es2022',
      outDir: '.bench-build',
      emptyOutDir: true,
      // opencv.js (the peer app's dependency) is one 10 MB file; the warning says nothing new.
      chunkSizeWarningLimit: 20_000,
      rollupOptions: { input: { bench: 'bench/pages/bench.html' } },
    },
  }),
);
