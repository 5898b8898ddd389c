/**
 * The library for npm and the drop-in script (`npm run build:lib`, also run by `prepack`):
 *   dist/edgeserve.js        ESM for bundlers. Its default worker is
 *                            `new Worker(new URL('./lib/runtime.worker.js', import.meta.url))`.
 *   dist/lib/                the worker (ESM), the shared host's SharedWorker
 *                            (shared-host.worker.js) and their chunks: engines loaded on first use, and
 *                            each engine flavour its own chunk. The engines' run-time files are
 *                            copied to lib/ort/ and lib/tfjs/ and referenced from the worker as
 *                            `new URL('./ort/<file>', import.meta.url)`: the user's bundler finds
 *                            and emits them as it does onnxruntime-web's own, and a CDN serving
 *                            the package as it is serves them next to the worker.
 *   dist/edgeserve.iife.js   one classic script, `window.edgeserve`, page code only; its blob:
 *                            worker imports dist/lib/runtime.worker.js from the script's origin.
 *   dist/types/              .d.ts (tsc, tools/build/tsconfig.types.json).
 * Separate Vite builds, since Vite builds one format a run and an IIFE takes one entry.
 *
 * The `new URL(…, import.meta.url)` literals are written into the output after bundling
 * (renderChunk): Vite's library mode would otherwise inline each asset as base64, and they
 * must stay relative literals for the next bundler to see.
 * Usage: tsx tools/build/build-lib.ts [outDir] [--iife-only]   (--iife-only: the worker and the
 * drop-in script, without the ESM entry and types — what e2e/drop-in.spec.ts serves)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions, type InlineConfig, type Plugin } from 'vite';
import { ORT_FILES, TFJS_WASM_FILES } from '../models/engine-assets.js';
import { LITERT_STEMS, ORT_FLAVOUR_STEMS } from '../../src/engines/engine-files.js';
import { copyLitertAssets, LITERT_DIST } from '../models/litert-assets.js';
import { litertAlias } from './litert-alias.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const outDir = args.find((a) => !a.startsWith('--')) ?? 'dist';
const iifeOnly = args.includes('--iife-only');
const libDir = join(outDir, 'lib');

const shared = (entry: string, dir = outDir): InlineConfig => ({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  // ORT's own export condition for builds that serve its .wasm/.mjs themselves (lib/ort/):
  // without it each flavour's bundle carries its own `new URL(….wasm)`, which lib mode inlines
  // as base64 into the chunk.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions], alias: [litertAlias] },
  build: {
    outDir: dir,
    emptyOutDir: false,
    target: 'es2022',
    assetsDir: '',
    // onnxruntime-web and TensorFlow.js are megabytes; the warning says nothing new.
    chunkSizeWarningLimit: 8_000,
    lib: { entry, name: 'edgeserve' },
  },
});

/** Replaces one source module (by the specifier its importer uses) with generated code. */
function swapModule(name: string, specifier: string, importer: string, code: string): Plugin {
  const id = `\0edgeserve:${name}`;
  let swapped = false;
  return {
    name: `edgeserve:${name}`,
    enforce: 'pre',
    resolveId: (source, from) => {
      if (source !== specifier || !from?.endsWith(importer)) return null;
      swapped = true;
      return id;
    },
    load: (loaded) => (loaded === id ? code : null),
    // A file moved or renamed would otherwise ship the repository's module unswapped, silently.
    buildEnd() {
      if (!swapped) this.error(`${importer} no longer imports ${specifier}: the ${name} swap did not happen`);
    },
  };
}

/** Turns placeholder calls into the literal code bundlers look for, after bundling. */
function literal(pattern: RegExp, replace: (...groups: string[]) => string): Plugin {
  return {
    name: `edgeserve:literal:${pattern.source}`,
    renderChunk(code) {
      return pattern.test(code) ? { code: code.replace(new RegExp(pattern.source, 'g'), (_m, ...g: string[]) => replace(...g)), map: null } : null;
    },
  };
}

const ORT_DIST = 'node_modules/onnxruntime-web/dist';
const sha256 = (file: string, dist = ORT_DIST) =>
  createHash('sha256')
    .update(readFileSync(join(root, dist, file)))
    .digest('hex');
/** One flavour's files, with the .wasm's hash the engine-file cache checks (a CDN's copy included). */
const ortFiles = (name: string, dir = 'ort', dist = ORT_DIST) =>
  `{ wasm: __edgeserveAsset("${dir}/${name}.wasm"), mjs: __edgeserveAsset("${dir}/${name}.mjs"), wasmSha256: "${sha256(`${name}.wasm`, dist)}" }`;

const ASSET = /__edgeserveAsset\("([^"]+)"\)/;
/**
 * onnxruntime-web finds its own script with `new (URL)("ort.wasm.min.mjs", import.meta.url)`,
 * written that way so bundlers do not resolve it; bundling folds it back into a plain
 * `new URL(…)`, which webpack would then fail to resolve. We never use that URL (no proxy worker).
 */
const HIDDEN_URL = /new URL\(("[^".][^"]*"), import\.meta\.url\)/;
const packagedFiles = swapModule(
  'packaged-engine-files',
  '../engines/packaged-engine-files.js',
  '/src/host/host-parts.ts',
  `
  export function packagedEngineFiles() {
    return {
      ortWasm: ${ortFiles(ORT_FLAVOUR_STEMS.wasm)},
      ortJsep: ${ortFiles(ORT_FLAVOUR_STEMS.jsep)},
      tfjs: {
        ${TFJS_WASM_FILES.map((f) => `${JSON.stringify(f)}: __edgeserveAsset(${JSON.stringify(`tfjs/${f}`)})`).join(',\n        ')}
      },
      litert: { simd: ${ortFiles(LITERT_STEMS.simd, 'litert', LITERT_DIST)}, compat: ${ortFiles(LITERT_STEMS.compat, 'litert', LITERT_DIST)} },
    };
  }`,
);

// Chunk names carry hashes: a lib/ left from an earlier build would ship its stale chunks too.
rmSync(libDir, { recursive: true, force: true });
// The worker and its chunks, all in lib/ (so './ort/…' resolves from every chunk).
await build({
  ...shared('workers/runtime.worker.ts', libDir),
  plugins: [packagedFiles, literal(HIDDEN_URL, (file) => `new globalThis.URL(${file}, import.meta.url)`), literal(ASSET, (file) => `new URL("./${file}", import.meta.url).href`)],
  build: {
    ...shared('workers/runtime.worker.ts', libDir).build,
    // The shared host's SharedWorker (host: 'shared') shares the runtime worker's chunks.
    lib: {
      entry: { 'runtime.worker': 'workers/runtime.worker.ts', 'shared-host.worker': 'workers/shared-host.worker.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: { output: { chunkFileNames: '[name]-[hash].js' } },
  },
});
for (const [dir, from, files] of [
  ['ort', ORT_DIST, ORT_FILES],
  ['tfjs', 'node_modules/@tensorflow/tfjs-backend-wasm/dist', TFJS_WASM_FILES],
] as const) {
  mkdirSync(join(libDir, dir), { recursive: true });
  for (const file of files) copyFileSync(join(root, from, file), join(libDir, dir, file));
}
copyLitertAssets(root, join(libDir, 'litert'));

const WORKER = /__edgeserveWorker\((\w+)\)/;
const SHARED_WORKER = /__edgeserveSharedWorker\((\w+)\)/;
if (!iifeOnly)
  await build({
    ...shared('src/index.ts'),
    plugins: [
      swapModule('default-worker', './default-worker.js', '/src/client/runtime.ts', 'export const defaultWorkerFactory = (name) => __edgeserveWorker(name);'),
      literal(WORKER, (name) => `new Worker(new URL("./lib/runtime.worker.js", import.meta.url), { type: "module", name: ${name} })`),
      swapModule(
        'default-shared-worker',
        './default-shared-worker.js',
        '/src/client/runtime.ts',
        'export const defaultSharedWorkerFactory = (name) => __edgeserveSharedWorker(name);',
      ),
      literal(SHARED_WORKER, (name) => `new SharedWorker(new URL("./lib/shared-host.worker.js", import.meta.url), { type: "module", name: ${name} })`),
    ],
    build: { ...shared('src/index.ts').build, lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'edgeserve.js' } },
  });

await build({
  ...shared('src/dropin/iife.ts'),
  plugins: [
    swapModule('no-default-worker', './default-worker.js', '/src/client/runtime.ts', `export * from ${JSON.stringify(resolve(root, 'src/dropin/no-default-worker.ts'))};`),
    // A blob: SharedWorker is unique to the document that made it: the drop-in runs each page's own worker.
    swapModule('no-shared-worker', './default-shared-worker.js', '/src/client/runtime.ts', 'export const defaultSharedWorkerFactory = undefined;'),
  ],
  build: { ...shared('src/dropin/iife.ts').build, lib: { entry: 'src/dropin/iife.ts', name: 'edgeserve', formats: ['iife'], fileName: () => 'edgeserve.iife.js' } },
});

if (!iifeOnly) execFileSync('npx', ['tsc', '-p', 'tools/build/tsconfig.types.json', '--outDir', `${outDir}/types`], { cwd: root, stdio: 'inherit' });
console.log(`built into ${outDir}/: ${iifeOnly ? 'lib/, edgeserve.iife.js' : 'edgeserve.js, lib/, edgeserve.iife.js, types/'}`);
