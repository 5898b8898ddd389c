/**
 * `npm run build` step 2 (after the app build): the library for npm and the drop-in script.
 *   dist/edgeserve.js        ESM for bundlers; the worker and the engines are separate chunks
 *                            (dist/lib/), loaded on first use.
 *   dist/edgeserve.iife.js   one classic script, `window.edgeserve`; the worker inlined as a blob
 *                            with the engines inside it (a blob: worker cannot fetch chunks).
 *   dist/types/              .d.ts (tsc, tools/build/tsconfig.types.json).
 * Two Vite builds, since Vite builds one format a run and an IIFE takes one entry.
 * Usage: tsx tools/build/build-lib.ts [outDir] [--iife-only]   (default dist; --iife-only: the
 * drop-in script alone, what e2e/drop-in.spec.ts serves)
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions, type InlineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const outDir = args.find((a) => !a.startsWith('--')) ?? 'dist';
const iifeOnly = args.includes('--iife-only');

const shared = (entry: string): InlineConfig => ({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  // ORT's own export condition for builds that serve its .wasm/.mjs themselves (we do, from
  // engines/): without it the ESM bundle carries a `new URL(….wasm)` that lib mode inlines as
  // 37 MB of base64 into the script.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2022',
    assetsDir: 'lib',
    // onnxruntime-web and TensorFlow.js are megabytes; the warning says nothing new.
    chunkSizeWarningLimit: 8_000,
    lib: { entry, name: 'edgeserve' },
  },
});

if (!iifeOnly) await build({
  ...shared('src/index.ts'),
  worker: { format: 'es' },
  build: { ...shared('src/index.ts').build, lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'edgeserve.js' } },
});

/**
 * The drop-in passes its own (inlined) workerFactory, so the module's default factory — a
 * `new Worker(new URL(…, import.meta.url))` that Vite would bundle as a second, never-used
 * 78 MB worker file, and whose import.meta means nothing in a classic script — is swapped for
 * a stub module.
 */
const noDefaultWorker: Plugin = {
  name: 'edgeserve:no-default-worker',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === './default-worker.js' && importer?.endsWith('/src/client/runtime.ts')) return resolve(root, 'src/dropin/no-default-worker.ts');
    return null;
  },
};

await build({
  ...shared('src/dropin/iife.ts'),
  plugins: [noDefaultWorker],
  // The inlined worker runs from a blob: URL, where relative chunk URLs mean nothing: one file.
  worker: { format: 'es', rolldownOptions: { output: { codeSplitting: false } } },
  build: { ...shared('src/dropin/iife.ts').build, lib: { entry: 'src/dropin/iife.ts', name: 'edgeserve', formats: ['iife'], fileName: () => 'edgeserve.iife.js' } },
});

if (!iifeOnly) execFileSync('npx', ['tsc', '-p', 'tools/build/tsconfig.types.json', '--outDir', `${outDir}/types`], { cwd: root, stdio: 'inherit' });
console.log(`built into ${outDir}/: ${iifeOnly ? 'edgeserve.iife.js' : 'edgeserve.js, edgeserve.iife.js, types/'}`);
