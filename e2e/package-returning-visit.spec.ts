/**
 * A returning visitor of a user's Vite app built from the packed tarball, in a browser on a real
 * profile directory (Playwright's usual contexts keep their HTTP cache in memory, which does not
 * take the engine's 14 MB .wasm). The second visit serves the model from IndexedDB without
 * fetching it, and the engine's .wasm without the network:
 * - deployed as Vite recommends (`assets/` — hashed file names — immutable, the rest
 *   revalidated), the engine compiles it by its URL from the HTTP cache, so V8's code cache
 *   applies;
 * - from `vite preview`, which sends every file `no-cache`, the engine compiles the device copy's
 *   checked bytes (its own fetch would have to ask the network, which fails offline).
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BrowserType, LaunchOptions, Page } from '@playwright/test';
import { sidePort, startStaticServer } from './static-server.js';
import { bin, expect, startServer, stopServer, test, type InstalledApp } from './package/installed-app.js';
import { engineCopiesWritten, engineWasmFetches, withProfile } from './real-profile.js';
import { tinyRows } from './package/reference.js';

let preview: ChildProcess | undefined;
test.afterEach(() => stopServer(preview));

interface Visit {
  y: number[];
  fromCache: boolean;
  /** Every URL the page and its workers requested. */
  requested: string[];
}

async function visit(page: Page, url: string): Promise<Visit> {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });
  const result = await page.evaluate(
    (rows) => (window as unknown as { predict: (r: number[][]) => Promise<{ y: number[]; info: { fromCache: boolean } }> }).predict(rows),
    tinyRows(),
  );
  return { y: result.y, fromCache: result.info.fromCache, requested };
}

/** Two visits to `url` in a browser on a new profile directory, and how the second visit's worker got the engine's .wasm. */
function returningVisit(chromium: BrowserType, launchOptions: LaunchOptions, url: string): Promise<{ cold: Visit; warm: Visit; warmWasmFetches: number[] }> {
  return withProfile(chromium, launchOptions, async (context) => {
    const first = await context.newPage();
    const cold = await visit(first, url);
    // A first visit keeps its copy of the engine files after its first prediction.
    await engineCopiesWritten(first);
    await first.close();
    const second = await context.newPage();
    const warm = await visit(second, url);
    return { cold, warm, warmWasmFetches: (await engineWasmFetches(second)).map((e) => e.transferSize) };
  });
}

function expectServedFromStore({ cold, warm }: { cold: Visit; warm: Visit }): void {
  expect(cold.fromCache).toBe(false);
  expect(cold.requested.filter((u) => u.endsWith('.onnx'))).toHaveLength(1);
  expect(warm.y).toEqual(cold.y);
  expect(warm.fromCache).toBe(true);
  // The model's bytes come from IndexedDB: not even a cache hit for them.
  expect(warm.requested.filter((u) => u.endsWith('.onnx'))).toEqual([]);
}

const build = (app: InstalledApp) => execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: app.dir, stdio: 'pipe' });

test('deployed with immutable assets: the returning visit compiles the engine from the HTTP cache by its URL', async ({ installedApp, playwright, launchOptions }) => {
  test.setTimeout(240_000);
  build(installedApp);
  const server = await startStaticServer({
    port: sidePort(1),
    roots: [join(installedApp.dir, 'dist')],
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    cacheControl: (path) => (path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  try {
    const visits = await returningVisit(playwright.chromium, launchOptions, `${server.origin}/`);
    expectServedFromStore(visits);
    // The probe and the engine's own fetch, both from the HTTP cache, none from the server.
    // Compiled from the device copy's bytes instead, only the probe would be listed.
    expect(visits.warmWasmFetches).toEqual([0, 0]);
    expect(server.log.filter((path) => path.endsWith('.wasm'))).toHaveLength(1);
  } finally {
    await server.close();
  }
});

test('from vite preview (every file no-cache): the returning visit compiles the device copy, and fetches no engine bytes', async ({ installedApp, playwright, launchOptions }) => {
  test.setTimeout(240_000);
  build(installedApp);
  const url = `http://localhost:${sidePort(1)}/`;
  preview = await startServer(bin('vite'), ['preview', '--port', String(sidePort(1)), '--strictPort'], installedApp.dir, url);
  const visits = await returningVisit(playwright.chromium, launchOptions, url);
  expectServedFromStore(visits);
  // Only the probe, answered by the HTTP cache: the engine was handed the checked bytes.
  expect(visits.warmWasmFetches).toEqual([0]);
});
