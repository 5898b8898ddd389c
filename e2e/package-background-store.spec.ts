/**
 * A big model (64 MiB and more) from the packed tarball, as a user would: served as soon as its
 * download is verified, while IndexedDB still writes it (src/host/fetch-variant.ts). A one-MatMul
 * model of 64 MiB (seeded weights, test/fixtures/matmul-model.ts) made here, recorded by the
 * installed `npx edgeserve pack`, served from a fresh Vite app and loaded on WASM:
 * - the load answers with `storing: true, stored: false`, and its outputs equal bare
 *   onnxruntime-web's on the same file (in Node) within float32 rounding;
 * - a second tab loading it at once waits for the first tab's download lock and reads the copy
 *   from the store: one download in all, as for a small model;
 * - the first tab's `model.info()` then says `stored: true`, and no `storing`.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ModelInfo } from '../src/index.js';
import { createSession, ort } from '../tools/ort-node.js';
import { matmulInput, matmulModelBytes } from '../test/fixtures/matmul-model.js';
import { sidePort } from './static-server.js';
import { bin, expect, startServer, stopServer, test } from './package/installed-app.js';
import { maxAbsDiff } from './package/reference.js';

const K = 4096;
const N = 4096; // W: 64 MiB of fp32, the size from which a download is stored in the background
const ROWS = 2;

let server: ChildProcess | undefined;
test.afterEach(() => stopServer(server));

interface Loaded {
  y: number[];
  dims: number[];
  atLoad: ModelInfo & { verify: Array<[loaded: number, total: number]> };
}

const loadAndPredict = (page: Page, rows: number[][]) =>
  page.evaluate((r) => (window as unknown as { loadAndPredict: (id: string, rows: number[][]) => Promise<Loaded> }).loadAndPredict('big', r), rows);
const infoOf = (page: Page) => page.evaluate(() => (window as unknown as { info: () => ModelInfo }).info());

test('a 64 MiB model answers before IndexedDB has it, a second tab reads it from the store, and info() then says stored', async ({ installedApp, page, context }) => {
  test.setTimeout(240_000);
  const { dir } = installedApp;
  const bytes = matmulModelBytes({ k: K, n: N, seed: 21 });
  writeFileSync(join(dir, 'public/models/big.onnx'), bytes);
  execFileSync('npx', ['--no-install', 'edgeserve', 'pack', 'public/models/big.onnx', '--manifest', 'public/models/manifest.json', '--id', 'big'], { cwd: dir, stdio: 'pipe' });
  cpSync(join(import.meta.dirname, 'package/background-app'), dir, { recursive: true });
  const url = `http://localhost:${sidePort(2)}/background.html`;
  server = await startServer(bin('vite'), ['--port', String(sidePort(2)), '--strictPort'], dir, url);
  const downloads: string[] = [];
  context.on('request', (r) => r.url().endsWith('/models/big.onnx') && downloads.push(r.url()));

  await page.goto(url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });
  const second = await context.newPage();
  await second.goto(url);
  await expect(second.locator('#status')).toHaveText('ready', { timeout: 60_000 });

  const x = matmulInput(ROWS, K);
  const rows = Array.from({ length: ROWS }, (_, r) => [...x.subarray(r * K, (r + 1) * K)]);
  const first = await loadAndPredict(page, rows);
  expect(first.atLoad).toMatchObject({ fromCache: false, stored: false, storing: true, backend: 'wasm' });
  // Tab 2 asks at once: it waits for tab 1's download lock, held until the copy is written.
  const other = await loadAndPredict(second, rows);
  expect(other.atLoad).toMatchObject({ fromCache: true, stored: true });
  // Its check (hashed off the worker's thread from 64 MiB) reports its bytes as it goes, up to all of them.
  const verified = other.atLoad.verify.map(([loaded]) => loaded);
  expect(verified.length).toBeGreaterThan(2);
  expect(verified.at(-1)).toBe(bytes.length);
  expect(verified.filter((loaded) => loaded > 0 && loaded < bytes.length).length).toBeGreaterThan(0);
  expect(other.y).toEqual(first.y);
  expect(downloads).toHaveLength(1);

  await expect.poll(async () => (await infoOf(page)).stored, { timeout: 60_000 }).toBe(true);
  expect((await infoOf(page)).storing).toBeUndefined();

  const session = await createSession(bytes);
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [ROWS, K]) });
  await session.release();
  expect(first.dims).toEqual([ROWS, N]);
  const diff = maxAbsDiff(first.y, [...(y!.data as Float32Array)]);
  console.log(`64 MiB model: answered before stored; max |edgeserve − bare onnxruntime-web| = ${diff}`);
  // 4096-term sums of O(1) values: WASM's and Node's kernels round in another order (K = 1024 stays within 1e-6).
  expect(diff).toBeLessThanOrEqual(1e-5);
});
