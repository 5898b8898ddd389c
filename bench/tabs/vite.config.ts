/**
 * Production build of the tabs bench's page alone (bench/pages/tabs.html): edgeserve's page
 * worker and its shared host (a SharedWorker) as an app bundles them, ES workers, ORT kept out
 * of the optimizer. No public/ copy: the run links the engine files and both models folders in.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  publicDir: false,
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    outDir: '.bench-tabs/site',
    emptyOutDir: true,
    rollupOptions: { input: { tabs: 'bench/pages/tabs.html' } },
  },
});
