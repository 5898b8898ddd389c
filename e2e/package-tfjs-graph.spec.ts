/**
 * TF.js graph models as a user has them: the files tensorflowjs_converter wrote, from an npm
 * package (@vladmandic/human's models/, MIT), served by a Vite app (`vite build` + `vite preview`)
 * that installed the packed tarball (installed-app.ts). The manifest is written by the installed
 * `npx edgeserve pack model.json` (names, dtypes and shapes from each model's signature, every
 * weight file hashed). Each model's outputs — all its signature's, as pack lists them — must equal
 * TensorFlow.js alone (tfjs-core, tfjs-converter and tfjs-backend-wasm in Node: the same WASM
 * kernels) on the same inputs, under their own names; and a WASM page loads only the WASM
 * backend's code.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { bin, expect, repoRoot, startServer, stopServer, test } from './package/installed-app.js';
import { sidePort } from './static-server.js';

let server: ChildProcess | undefined;
test.afterEach(() => stopServer(server));

const modelsDir = join(repoRoot, 'node_modules/@vladmandic/human/models');

interface Case {
  id: string;
  input: { name: string; dtype: 'float32' | 'uint8'; dims: number[] };
  /** What pack read from the signature (filled in once the manifest is written). */
  outputs: { name: string; dtype: string; dims: number[] }[];
}

// What pack must read from each model's signature: blazeface's is under userDefinedMetadata and
// lists its outputs in an order of its own; handtrack takes a uint8 image and has control flow
// (NonMaxSuppression in a loop: only executeAsync runs it).
const cases: Case[] = [
  { id: 'blazeface', input: { name: 'input:0', dtype: 'float32', dims: [1, 256, 256, 3] }, outputs: [] },
  { id: 'handtrack', input: { name: 'input_tensor:0', dtype: 'uint8', dims: [1, 320, 320, 3] }, outputs: [] },
];

/** Deterministic pixels in 0..255 (the page computes the same ones). */
const PIXELS = `function pixels(n) {
  const out = new Uint8Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}`;
const pixels = new Function(`${PIXELS}; return pixels;`)() as (n: number) => Uint8Array;
const inputData = (c: Case) => {
  const p = pixels(c.input.dims.reduce((a, b) => a * b, 1));
  return c.input.dtype === 'float32' ? Float32Array.from(p, (v) => v / 127.5 - 1) : p;
};

/** The app: its own folder inside the installed one (node_modules resolve from the parent), its manifest written by `npx edgeserve pack`. */
function writeApp(dir: string): void {
  mkdirSync(join(dir, 'public/models'), { recursive: true });
  for (const c of cases) {
    const model = JSON.parse(readFileSync(join(modelsDir, `${c.id}.json`), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    for (const name of [`${c.id}.json`, ...model.weightsManifest.flatMap((g) => g.paths)]) copyFileSync(join(modelsDir, name), join(dir, 'public/models', name));
  }
  execFileSync('npx', ['--no-install', 'edgeserve', 'pack', ...cases.map((c) => `public/models/${c.id}.json`), '--manifest', 'public/models/manifest.json'], {
    cwd: dir,
    stdio: 'pipe',
  });
  const manifest = JSON.parse(readFileSync(join(dir, 'public/models/manifest.json'), 'utf8')) as {
    models: { id: string; format: string; inputs: unknown[]; outputs: Case['outputs'] }[];
  };
  for (const c of cases) {
    const entry = manifest.models.find((m) => m.id === c.id);
    expect(entry, c.id).toMatchObject({ format: 'tfjs', inputs: [c.input] });
    c.outputs = entry!.outputs;
  }
  expect(cases[0]!.outputs.map((o) => o.name)).toEqual(['Identity_3:0', 'Identity:0', 'Identity_1:0', 'Identity_2:0']);
  expect(cases[1]!.outputs).toHaveLength(8);
  writeFileSync(join(dir, 'index.html'), '<!doctype html>\n<meta charset="utf-8">\n<p id="status">loading</p>\n<script type="module" src="/main.js"></script>\n');
  writeFileSync(
    join(dir, 'main.js'),
    `import { createRuntime, tensor } from 'edgeserve';
${PIXELS}
// The page's own worker: Playwright reports a dedicated worker's requests to the page (the engine
// files checked below), not a SharedWorker's, which 'auto' would pick on this page (not isolated).
const runtime = createRuntime({ host: 'page' });
window.run = async (id, input, float) => {
  const model = await runtime.load(id, { backend: 'wasm' });
  const p = pixels(input.dims.reduce((a, b) => a * b, 1));
  const data = float ? Float32Array.from(p, (v) => v / 127.5 - 1) : p;
  const outputs = await model.predict({ [input.name]: tensor(input.dtype, data, input.dims) });
  return {
    info: model.info(),
    outputs: Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { dtype: t.dtype, dims: t.dims, data: [...t.data] }])),
  };
};
document.querySelector('#status').textContent = 'ready';
`,
  );
  writeFileSync(join(dir, 'vite.config.js'), "export default { worker: { format: 'es' } };\n");
}

/** TensorFlow.js alone, in Node on its WASM backend: the model loaded from its files, run by output name. */
async function bareTfjs(c: Case): Promise<Record<string, number[]>> {
  if (tf.getBackend() !== 'wasm') {
    const dist = join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    setWasmPaths(dist);
    setThreadsCount(1);
    await tf.setBackend('wasm');
  }
  const json = JSON.parse(readFileSync(join(modelsDir, `${c.id}.json`), 'utf8')) as { weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const weights = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(modelsDir, p))));
  const model = await loadGraphModel(
    tf.io.fromMemory({
      ...json,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    } as tf.io.ModelArtifacts),
  );
  const data = inputData(c);
  const input = tf.tensor(c.input.dtype === 'uint8' ? Int32Array.from(data) : (data as Float32Array), c.input.dims, c.input.dtype === 'uint8' ? 'int32' : 'float32');
  const results = [
    await model.executeAsync(
      input,
      c.outputs.map((o) => o.name),
    ),
  ].flat();
  const out = Object.fromEntries(await Promise.all(c.outputs.map(async (o, i) => [o.name, [...(await results[i]!.data())]] as [string, number[]])));
  tf.dispose([input, ...results]);
  model.dispose();
  return out;
}

test('vite build: TF.js graph models from an npm package run like TensorFlow.js alone, outputs by name, on WASM without the WebGPU backend', async ({ installedApp, page }) => {
  test.setTimeout(300_000);
  const dir = join(installedApp.dir, 'tfjs-graph-app');
  writeApp(dir);
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir, stdio: 'pipe' });
  const url = `http://localhost:${sidePort(1)}/`;
  server = await startServer(bin('vite'), ['preview', '--port', String(sidePort(1)), '--strictPort'], dir, url);
  const failed: string[] = [];
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  const scripts: string[] = [];
  const wasm: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.js')) scripts.push(path);
    if (path.endsWith('.wasm')) wasm.push(path);
  });
  await page.goto(url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });
  for (const c of cases) {
    const result = await page.evaluate(
      ([id, input, float]) =>
        (
          window as unknown as {
            run: (...a: unknown[]) => Promise<{ info: { backend: string; engine: string }; outputs: Record<string, { dtype: string; dims: number[]; data: number[] }> }>;
          }
        ).run(id, input, float),
      [c.id, c.input, c.input.dtype === 'float32'] as const,
    );
    expect(result.info).toMatchObject({ engine: 'tfjs', backend: 'wasm' });
    const bare = await bareTfjs(c);
    for (const o of c.outputs) {
      const got = result.outputs[o.name]!;
      expect(got, `${c.id} ${o.name}`).toMatchObject({ dtype: o.dtype, dims: o.dims });
      const diff = Math.max(...got.data.map((v, i) => Math.abs(v - bare[o.name]![i]!)));
      console.log(`${c.id} ${o.name}: max |edgeserve − TensorFlow.js alone| = ${diff}`);
      expect(diff, `${c.id} ${o.name}`).toBeLessThanOrEqual(1e-5);
    }
  }
  expect(failed.filter((f) => !f.endsWith('/favicon.ico'))).toEqual([]);
  // tfjs's single-threaded SIMD binary, as Vite emitted it, and no other tfjs binary.
  expect([...new Set(wasm.filter((p) => p.includes('tfjs')))]).toEqual([expect.stringMatching(/^\/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm$/)]);
  // No script the page or its worker loaded holds the WebGPU or WebGL backend (each known by a
  // flag it registers: names that survive minification), and one holds the WASM backend.
  const bodies = await Promise.all([...new Set(scripts)].map(async (p) => ({ p, body: await (await fetch(new URL(p, url))).text() })));
  const holding = (flag: string) => bodies.filter(({ body }) => body.includes(flag)).map(({ p }) => p);
  expect(holding('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')).toEqual([]);
  expect(holding('WEBGL_VERSION')).toEqual([]);
  expect(holding('WASM_HAS_SIMD_SUPPORT')).toHaveLength(1);
});
