/**
 * Production build of the scale bench's page alone (bench/pages/scale.html): edgeserve's worker
 * and onnxruntime-web as an app bundles them, ES workers, ORT kept out of the optimizer. No
 * public/ copy: the server links the engine files and the models folder into the output instead
 * (a gigabyte is not copied).
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
    outDir: '.bench-scale/site',
    emptyOutDir: true,
    rollupOptions: { input: { scale: 'bench/pages/scale.html' } },
  },
});
