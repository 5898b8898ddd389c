/**
 * npm in a user's Vite app: the packed tarball installed into a fresh app (installed-app.ts),
 * nothing copied out of node_modules, `import { createRuntime } from 'edgeserve'`. In
 * `vite build` + `vite preview` (COOP/COEP: threaded WASM, the production path where
 * onnxruntime-web's workers have broken before) and in `vite` dev, the app loads a model that
 * is not one of the shipped ones and predicts what bare onnxruntime-web predicts.
 */
import type { ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import { sidePort } from './static-server.js';
import { bin, expect, startServer, stopServer, test } from './package/installed-app.js';
import { bareOrtOutputs, maxAbsDiff, tinyRows } from './package/reference.js';

let server: ChildProcess | undefined;
test.afterEach(() => stopServer(server));

async function predictIn(page: Page, url: string) {
  const failed: string[] = [];
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });
  const result = await page.evaluate(
    (rows) => (window as unknown as { predict: (r: number[][]) => Promise<{ y: number[]; info: { backend: string; wasmThreads: number } }> }).predict(rows),
    tinyRows(),
  );
  return { ...result, failed: failed.filter((f) => !f.endsWith('/favicon.ico')), requested };
}

test('vite build + vite preview: the installed package predicts like bare onnxruntime-web, threaded', async ({ installedApp, page }) => {
  test.setTimeout(240_000);
  const started = performance.now();
  const { execFileSync } = await import('node:child_process');
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: installedApp.dir, stdio: 'pipe' });
  console.log(`vite build of the app: ${Math.round(performance.now() - started)} ms`);
  const url = `http://localhost:${sidePort(1)}/`;
  server = await startServer(bin('vite'), ['preview', '--port', String(sidePort(1)), '--strictPort'], installedApp.dir, url);
  const result = await predictIn(page, url);
  expect(result.failed).toEqual([]);
  expect(result.info).toMatchObject({ backend: 'wasm' });
  expect(result.info.wasmThreads).toBeGreaterThan(1);
  const diff = maxAbsDiff(result.y, await bareOrtOutputs());
  console.log(`vite build: max |edgeserve − bare onnxruntime-web| = ${diff}`);
  expect(diff).toBeLessThanOrEqual(1e-6);
  // Later calls find the worker parked and go through shared memory, with the same outputs. The
  // worker parks again one background-priority task after each message (parking.ts), late on a
  // loaded machine: a call that missed it took postMessage, so the next pause is twice as long
  // (the worker stays parked for a second after a predict), until three calls have found it.
  const again = await page.evaluate(async (rows) => {
    const w = window as unknown as { predict: (r: number[][]) => Promise<{ y: number[] }>; sharedCalls: () => Promise<number> };
    const ys: number[][] = [];
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let shared = await w.sharedCalls();
    const pauses: number[] = [];
    for (let ms = 10; ys.length < 12 && shared < 3; ) {
      await pause(ms);
      pauses.push(ms);
      ys.push((await w.predict(rows)).y);
      const now = await w.sharedCalls();
      if (now === shared) ms = Math.min(ms * 2, 320);
      shared = now;
    }
    return { ys, shared, pauses };
  }, tinyRows());
  console.log(`shared-memory calls: ${again.shared} of ${again.ys.length}, pauses ${again.pauses.join(', ')} ms`);
  expect(again.ys.every((y) => y.join() === result.y.join())).toBe(true);
  expect(again.shared).toBeGreaterThanOrEqual(3);
  // The engine's files are the app's own emitted assets, and only the WASM flavour was fetched
  // (more than once: after the checked download, an only-if-cached probe asks the HTTP cache
  // whether the engine may compile it from there — `vite preview` sends no-cache, so it may not;
  // engine-file-cache.ts, and package-returning-visit.spec.ts for both answers).
  const wasmPaths = new Set(result.requested.filter((u) => /\.wasm$/.test(u)).map((u) => new URL(u).pathname));
  expect([...wasmPaths]).toEqual([expect.stringMatching(/^\/assets\/ort-wasm-simd-threaded-[\w-]+\.wasm$/)]);
});

test('vite dev: the installed package predicts like bare onnxruntime-web', async ({ installedApp, page }) => {
  test.setTimeout(180_000);
  const url = `http://localhost:${sidePort(1)}/`;
  server = await startServer(bin('vite'), ['--port', String(sidePort(1)), '--strictPort'], installedApp.dir, url);
  const result = await predictIn(page, url);
  expect(result.failed).toEqual([]);
  expect(result.info.wasmThreads).toBeGreaterThan(1);
  expect(maxAbsDiff(result.y, await bareOrtOutputs())).toBeLessThanOrEqual(1e-6);
});
