/**
 * The playground as an offline PWA (vite-plugin-pwa / workbox, demo/pwa.config.ts): after ONE
 * online visit (no second page load) it starts and predicts with the network off, every request
 * answered by the service worker or, for onnxruntime-web's files, by the runtime's own
 * engine-file cache; the precache holds the app, not the engines nor the e2e harness; and a new
 * version arriving mid-prediction waits instead of breaking it.
 * The build is served by our own server (static-server.ts) so the spec can see every request
 * that reaches it, take it away entirely, and serve a changed sw.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer } from './static-server.js';

const fp32 = (page: Page) => page.locator('.variant[data-precision="fp32"]');

/**
 * Exactly one online visit: the page runs its comparison (the models go to the store) and the
 * green banner appears — which it may only do once a reload offline would work: the service
 * worker controls this very page and the manifest and models are on the device.
 */
async function visitOnce(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|idle/, { timeout: 60_000 });
  await expect(page.locator('#offline-ready')).toBeVisible({ timeout: 60_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
}

/** What the service worker precached (workbox's precache cache): each path and its size. */
async function precached(page: Page): Promise<{ path: string; bytes: number }[]> {
  return page.evaluate(async () => {
    const name = (await caches.keys()).find((key) => key.startsWith('workbox-precache'));
    if (!name) return [];
    const cache = await caches.open(name);
    return Promise.all((await cache.keys()).map(async (request) => ({ path: new URL(request.url).pathname, bytes: (await (await cache.match(request))!.blob()).size })));
  });
}

/** An online visit that only needs the service worker in control (it claims the page that installed it). */
async function controlledVisit(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'idle', { timeout: 60_000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 60_000 });
}

test('after one online visit, the app starts and predicts offline with zero network requests', async ({ page, context }) => {
  const server = await startStaticServer({ port: sidePort(1), roots: [e2eBuildDir], headers: appHeaders });
  let closed = false;
  try {
    const url = `${server.origin}/demo/?model=ocr-cls&backend=wasm&runs=1`;
    await visitOnce(page, url);

    // The precache is the app (its HTML, JS, CSS, icons and the tfjs .wasm edgeserve loads):
    // not onnxruntime-web's 14 + 28 MB, not the e2e harness page nor its test workers.
    const shell = await precached(page);
    expect(shell.map((f) => f.path)).toContain('/demo/index.html');
    const harness = /\/(harness|spin\.worker|neighbour\.worker|adapter-as-hardware\.worker)-/;
    expect(shell.map((f) => f.path).filter((p) => p.startsWith('/engines/ort/') || p.startsWith('/e2e/') || harness.test(p))).toEqual([]);
    const precacheBytes = shell.reduce((n, f) => n + f.bytes, 0);
    console.log(`precache: ${shell.length} files, ${(precacheBytes / 1e6).toFixed(1)} MB`);
    // 6 MB: the app's JS is bundled twice over — once for the page's own worker and once for the
    // shared host (a SharedWorker is a separate entry, and a bundler shares no chunk between two
    // workers) — which took the shell from under 5 MB to 5.2 MB; both are needed offline, since a
    // page that is not cross-origin isolated runs the shared host. The engines' binaries stay out.
    expect(precacheBytes).toBeLessThan(6e6);
    // onnxruntime-web's plain WASM flavour is on the device, kept by the runtime (its engine-file cache).
    const engineCopies = await page.evaluate(async () => (await (await caches.open('edgeserve-engines')).keys()).map((r) => new URL(r.url).pathname));
    expect(engineCopies).toEqual(expect.arrayContaining(['/engines/ort/ort-wasm-simd-threaded.wasm', '/engines/ort/ort-wasm-simd-threaded.mjs']));

    const served = server.log.length;
    // The one online visit loaded the page once.
    expect(server.log.filter((path) => path === '/demo/')).toHaveLength(1);
    await server.close();
    closed = true;
    await context.setOffline(true);
    const requests: Request[] = [];
    context.on('request', (request) => requests.push(request));
    await page.goto(url);
    await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(fp32(page).locator('.summary')).toHaveText(/^upright/);
    await expect(fp32(page).locator('dd[data-stat="load"]')).toContainText('from the device cache');
    await expect(page.locator('#error')).toBeHidden();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    // Nothing reached the server, and every request of the page and its workers (the runtime
    // worker's manifest fetch with cache: 'no-cache', the app's chunks) was answered by the
    // service worker, except onnxruntime-web's .mjs/.wasm: those are the runtime's, which asks the
    // network (or the HTTP cache) first and then runs from its own device copy. The service
    // worker's only network attempt is its network-first try for models/manifest.json, which
    // fails offline and falls back to its cache.
    expect(server.log.length).toBe(served);
    const http = requests.filter((r) => r.url().startsWith('http'));
    const fromPage = http.filter((r) => !r.serviceWorker());
    const bySw = http.filter((r) => r.serviceWorker());
    const answered = await Promise.all(fromPage.map(async (r) => [r.url(), (await r.response())?.fromServiceWorker() ?? false] as const));
    expect(answered.filter(([url, sw]) => !sw && !new URL(url).pathname.startsWith('/engines/ort/'))).toEqual([]);
    // A WASM run uses onnxruntime-web's plain WASM flavour (never the JSEP one); its .wasm comes
    // from the runtime's own engine-file cache, its .mjs glue is asked of the network first.
    expect(fromPage.map((r) => new URL(r.url()).pathname)).toEqual(expect.arrayContaining(['/demo/', '/models/manifest.json', '/engines/ort/ort-wasm-simd-threaded.mjs']));
    expect(fromPage.map((r) => new URL(r.url()).pathname).filter((p) => p.includes('jsep'))).toEqual([]);
    expect(bySw.map((r) => new URL(r.url()).pathname).filter((p) => p !== '/models/manifest.json')).toEqual([]);
    await page.screenshot({ path: test.info().outputPath('offline-reload.png') });
  } finally {
    if (!closed) await server.close();
  }
});

test('a new version arriving while a prediction runs waits, and applies when the run is done', async ({ page }) => {
  let version = 1;
  const sw = readFileSync(join(e2eBuildDir, 'sw.js'), 'utf8');
  const server = await startStaticServer({
    port: sidePort(1),
    roots: [e2eBuildDir],
    headers: appHeaders,
    // A byte-different sw.js is what tells the browser there is a new version.
    routes: { '/sw.js': { type: 'text/javascript', body: () => `${sw}\n// build ${version}\n` } },
  });
  try {
    // Test-side instrumentation: hear every state the page reaches, even just before a reload.
    const states: string[] = [];
    await page.exposeFunction('reportState', (state: string, summary: string) => states.push(`${state}:${summary}`));
    await page.addInitScript(() => {
      new MutationObserver(() => {
        const summary = document.querySelector('.variant[data-precision="fp32"] .summary')?.textContent ?? '';
        (window as unknown as { reportState: (s: string, t: string) => void }).reportState(document.body.dataset.state ?? '', summary);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    await controlledVisit(page, `${server.origin}/demo/?model=ocr-rec&backend=wasm&runs=20&autorun=0`);
    const firstController = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);

    await page.click('#run');
    await expect(fp32(page).locator('dd[data-stat="first"]')).toHaveText(/ms/, { timeout: 30_000 });
    version = 2;
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await expect(page.locator('#update')).toBeVisible({ timeout: 30_000 });
    // Still mid-run: the new worker waits, and asking for it now defers it.
    await expect(page.locator('body')).toHaveAttribute('data-state', 'running');
    await page.click('#update-apply');
    await expect(page.locator('#update-text')).toHaveText('The update will be applied when this comparison finishes.');

    // The run finishes with the right answer, then the page reloads under the new worker.
    await page.waitForEvent('load', { timeout: 90_000 });
    expect(states).toContain('done:Served on this device');
    expect(states.filter((s) => s.startsWith('error'))).toEqual([]);
    await expect(page.locator('#status')).toHaveText('Ready.');
    const after = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: !!registration?.waiting, controlled: !!navigator.serviceWorker.controller };
    });
    expect(after).toEqual({ waiting: false, controlled: true });
    expect(firstController).toBeTruthy();
    await page.fill('#runs', '1');
    await page.click('#run');
    await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(fp32(page).locator('.summary')).toHaveText('Served on this device');
  } finally {
    await server.close();
  }
});
