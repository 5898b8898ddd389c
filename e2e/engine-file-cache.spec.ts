/**
 * The engines' own files are kept on the device for apps without a service worker: after one
 * load, onnxruntime-web's .wasm and .mjs are in Cache Storage with their SHA-256, and a new
 * worker runs with every engine-file request failing. A corrupted cache entry is never compiled:
 * it is dropped and downloaded again. A private window, whose HTTP cache keeps no file this big,
 * downloads the .wasm a second time for its device copy, once the worker pauses after the load.
 *
 * On a real profile directory (a normal window) except the private-window case: Playwright's
 * usual contexts are off the record, their HTTP cache in memory.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { engineCopiesWritten, withProfile } from './real-profile.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer, type StaticServer } from './static-server.js';

const ENGINE_FILE = /\/engines\/ort\/ort-wasm-simd-threaded\.(wasm|mjs)$/;
const WASM = '/engines/ort/ort-wasm-simd-threaded.wasm';

let server: StaticServer;
test.beforeEach(async () => {
  // Its own server, whose log counts what reached the network (the engine's HTTP-cache probes do not).
  server = await startStaticServer({ port: sidePort(2), roots: [e2eBuildDir], headers: appHeaders });
});
test.afterEach(() => server.close());

async function open(page: Page): Promise<void> {
  await page.goto(`${server.origin}/e2e/pages/harness.html`);
  await expect(page.locator('#status')).toHaveText('ready');
}

async function loadAndPredict(page: Page): Promise<{ top: number; backend: string }> {
  return page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'engine-file-cache' });
    const model = await runtime.load('ocr-cls');
    // The page's clock, as requests' timing is: the worker answered the load before this.
    (globalThis as { loadedAt?: number }).loadedAt = Date.now();
    const out = await model.predict(inputs.ocrClsInput());
    runtime.dispose();
    return { top: (out['softmax_0.tmp_0']!.data as Float32Array)[0]!, backend: model.info().backend };
  });
}

const cachedEngineFiles = (page: Page) =>
  page.evaluate(async () => {
    const cache = await caches.open('edgeserve-engines');
    return Promise.all((await cache.keys()).map(async (r) => ({ path: new URL(r.url).pathname, sha256: (await cache.match(r))!.headers.get('x-edgeserve-sha256') })));
  });

async function failEngineFiles(context: BrowserContext): Promise<string[]> {
  const failed: string[] = [];
  await context.route(ENGINE_FILE, (route) => {
    failed.push(new URL(route.request().url()).pathname);
    return route.abort('internetdisconnected');
  });
  return failed;
}

const wasmDownloads = () => server.log.filter((path) => path === WASM).length;

test('engine files are cached once with their hash and a new worker runs without the network for them', async ({ playwright, launchOptions }) => {
  await withProfile(playwright.chromium, launchOptions, async (context) => {
    const page = await context.newPage();
    await open(page);
    const first = await loadAndPredict(page);
    expect(first.top).toBeGreaterThan(0.5);
    // Written once the worker paused; runtime.dispose() let the worker finish writing them.
    await engineCopiesWritten(page);
    expect(wasmDownloads()).toBe(1);
    const cached = await cachedEngineFiles(page);
    expect(cached.map((c) => c.path).sort()).toEqual(['/engines/ort/ort-wasm-simd-threaded.mjs', WASM]);
    for (const entry of cached) expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);

    const failed = await failEngineFiles(context);
    const second = await loadAndPredict(page);
    expect(second).toEqual(first);
    // The .mjs was asked of the network first (and failed): the cache, not the HTTP cache, answered.
    expect(failed).toContain('/engines/ort/ort-wasm-simd-threaded.mjs');
  });
});

test('a corrupted cached .wasm is dropped and downloaded again, never compiled', async ({ playwright, launchOptions }) => {
  await withProfile(playwright.chromium, launchOptions, async (context) => {
    const page = await context.newPage();
    await open(page);
    await loadAndPredict(page);
    await engineCopiesWritten(page);
    const url = `${server.origin}${WASM}`;
    await page.evaluate(async (url) => {
      const cache = await caches.open('edgeserve-engines');
      const hash = (await cache.match(url))!.headers.get('x-edgeserve-sha256')!;
      await cache.put(url, new Response(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 42]), { headers: { 'x-edgeserve-sha256': hash } }));
    }, url);
    const before = wasmDownloads();
    const again = await loadAndPredict(page);
    expect(again.top).toBeGreaterThan(0.5);
    // Fetched again, once (the engine's own fetch; its device copy is then read from the HTTP cache).
    expect(wasmDownloads() - before).toBe(1);
    await engineCopiesWritten(page);
    const size = await page.evaluate(async (url) => (await (await caches.open('edgeserve-engines')).match(url))!.arrayBuffer().then((b) => b.byteLength), url);
    expect(size).toBeGreaterThan(1_000_000);
  });
});

test('a private window (no 14 MB file in its HTTP cache): the device copy is downloaded again, not during the load; the next visit runs offline', async ({ context, page }) => {
  await open(page);
  await page.evaluate(() => caches.delete('edgeserve-engines'));
  const requestedAt: number[] = [];
  page.on('requestfinished', (r) => r.url().endsWith(WASM) && requestedAt.push(r.timing().startTime));
  const first = await loadAndPredict(page);
  const loaded = await page.evaluate(() => (globalThis as { loadedAt?: number }).loadedAt!);
  expect(first.top).toBeGreaterThan(0.5);
  await engineCopiesWritten(page);
  // The engine's own download, then the device copy's once the worker paused: never two during
  // the load. (Not "before the prediction": a page slow to ask for it, as on a loaded machine, lets
  // the worker pause first.)
  expect(wasmDownloads()).toBe(2);
  const timeline = `.wasm requests started at ${requestedAt.map((at) => `${Math.round(at - loaded)} ms`).join(', ')} from the load's answer`;
  expect(
    requestedAt.filter((at) => at <= loaded),
    timeline,
  ).toHaveLength(1);

  const failed = await failEngineFiles(context);
  expect(await loadAndPredict(page)).toEqual(first);
  expect(failed).toContain('/engines/ort/ort-wasm-simd-threaded.mjs');
  expect(wasmDownloads()).toBe(2);
});
