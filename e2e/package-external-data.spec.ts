/**
 * A model with ONNX external data, from the packed tarball, as a user would: a one-MatMul model
 * of a few MB (seeded weights, test/fixtures/matmul-model.ts) made here, split by the installed
 * `npx edgeserve externalize` into model.onnx + model.onnx_data, recorded by `npx edgeserve pack`
 * (both files, graph first), served from a fresh Vite app and loaded on WASM. Its outputs equal
 * the same model served as a single file exactly, and bare onnxruntime-web on the single file
 * (in Node) within the threaded-WASM tolerance package-vite.spec.ts allows.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { sidePort } from './static-server.js';
import { bin, expect, startServer, stopServer, test } from './package/installed-app.js';
import { maxAbsDiff } from './package/reference.js';
import { createSession, ort } from '../tools/ort-node.js';
import { matmulInput, matmulModelBytes } from '../test/fixtures/matmul-model.js';
import type { Manifest } from '../src/manifest/schema.js';

const K = 1024;
const N = 1024; // W: 4 MiB of fp32
const ROWS = 2;
const npx = (args: string[], cwd: string) => execFileSync('npx', ['--no-install', 'edgeserve', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let server: ChildProcess | undefined;
test.afterEach(() => stopServer(server));

interface PagePrediction {
  y: number[];
  dims: number[];
  info: { backend: string; fromCache: boolean };
  files: string[];
}

async function predictWith(page: Page, id: string, rows: number[][]): Promise<PagePrediction> {
  return page.evaluate(([i, r]) => (window as unknown as { predictWith: (id: string, rows: number[][]) => Promise<PagePrediction> }).predictWith(i, r), [id, rows] as const);
}

test('a model with external data: externalize + pack from the installed CLI, predicts exactly as the single file', async ({ installedApp, page }) => {
  test.setTimeout(240_000);
  const { dir } = installedApp;
  const single = matmulModelBytes({ k: K, n: N, seed: 20 });
  mkdirSync(join(dir, 'work'), { recursive: true });
  writeFileSync(join(dir, 'work', 'model.onnx'), single);
  writeFileSync(join(dir, 'public/models/single.onnx'), single);

  console.log(npx(['externalize', 'work/model.onnx', '--out', 'public/models/ext'], dir).trim());
  console.log(npx(['pack', 'public/models/ext/model.onnx', '--manifest', 'public/models/manifest.json', '--id', 'ext'], dir).trim());
  npx(['pack', 'public/models/single.onnx', '--manifest', 'public/models/manifest.json', '--id', 'single'], dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'public/models/manifest.json'), 'utf8')) as Manifest;
  const files = manifest.models.find((m) => m.id === 'ext')!.versions[0]!.variants[0]!.files;
  expect(files.map((f) => f.url)).toEqual(['ext/model.onnx', 'ext/model.onnx_data']);
  expect(files[0]!.bytes).toBeLessThan(1000);
  expect(files[1]!.bytes).toBeGreaterThanOrEqual(K * N * 4);

  cpSync(join(import.meta.dirname, 'package/external-app'), dir, { recursive: true });
  const url = `http://localhost:${sidePort(2)}/external.html`;
  server = await startServer(bin('vite'), ['--port', String(sidePort(2)), '--strictPort'], dir, url);
  const failed: string[] = [];
  const served: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) failed.push(`${r.status()} ${r.url()}`);
    if (r.url().includes('/models/')) served.push(new URL(r.url()).pathname);
  });
  page.on('console', (m) => m.type() === 'error' && console.log(`page: ${m.text()}`));
  await page.goto(url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });

  const x = matmulInput(ROWS, K);
  const rows = Array.from({ length: ROWS }, (_, r) => [...x.subarray(r * K, (r + 1) * K)]);
  const external = await predictWith(page, 'ext', rows);
  const whole = await predictWith(page, 'single', rows);
  expect(failed).toEqual([]);
  expect(served).toEqual(expect.arrayContaining(['/models/ext/model.onnx', '/models/ext/model.onnx_data']));
  expect(external.info.backend).toBe('wasm');
  expect(external.dims).toEqual([ROWS, N]);
  // The same weights, the same kernels: not one bit may differ from the single-file model.
  expect(external.y).toEqual(whole.y);

  const session = await createSession(single);
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [ROWS, K]) });
  await session.release();
  const diff = maxAbsDiff(external.y, [...(y!.data as Float32Array)]);
  console.log(
    `external data: ${files[1]!.bytes} bytes; max |edgeserve (external data) − bare onnxruntime-web (single file)| = ${diff}; files in progress: ${external.files.join(', ')}`,
  );
  expect(diff).toBeLessThanOrEqual(1e-6);
});
