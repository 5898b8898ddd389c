/**
 * The shared host as users get it: the packed tarball in a Vite app, built with `vite build`
 * (which must emit the shared host's SharedWorker from `new SharedWorker(new URL(…))` in the
 * package), served without COOP/COEP — where 'auto' picks the shared host — and opened in
 * three pages of one browser context: one session, every page answered like bare
 * onnxruntime-web; a page closed while its calls are queued fails none of another page's calls.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { bin, expect, test } from './package/installed-app.js';
import { bareOrtOutputs, maxAbsDiff, tinyRows } from './package/reference.js';
import { sidePort, startStaticServer } from './static-server.js';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>shared</title>
<p id="status">loading</p>
<script type="module" src="/shared.js"></script>
`;

// The app's code is the README's: nothing says "shared"; 'auto' decides.
const SCRIPT = `import { createRuntime, tensor } from 'edgeserve';
const runtime = createRuntime();
const model = await runtime.load('tiny');
window.predict = async (rows) => {
  const x = tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
  const { y } = await model.predict({ x });
  return { y: [...y.data], info: model.info(), host: await runtime.info(), isolated: crossOriginIsolated };
};
// For the test only: many calls queued at once (a page closed while they are in flight).
window.flood = (rows, n) => {
  window.inFlight = Promise.all(Array.from({ length: n }, () => window.predict(rows)));
};
window.hostInfo = () => runtime.info();
document.querySelector('#status').textContent = 'ready';
`;

const CONFIG = `export default {
  worker: { format: 'es' },
  build: { outDir: 'dist-shared', rollupOptions: { input: { shared: 'shared.html' } } },
};
`;

type Result = {
  y: number[];
  info: { handle: string; wasmThreads: number };
  host: { host: string; shared?: { pages: number; sessionsOpened: number; loadsJoined: number } };
  isolated: boolean;
};

async function open(page: Page, url: string): Promise<Result> {
  await page.goto(url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });
  return page.evaluate((rows) => (window as unknown as { predict: (r: number[][]) => Promise<Result> }).predict(rows), tinyRows());
}

test('three pages of a Vite app built from the tarball share one host and one session', async ({ installedApp, context }) => {
  test.setTimeout(240_000);
  writeFileSync(join(installedApp.dir, 'shared.html'), PAGE);
  writeFileSync(join(installedApp.dir, 'shared.js'), SCRIPT);
  writeFileSync(join(installedApp.dir, 'vite.shared.config.js'), CONFIG);
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn', '--config', 'vite.shared.config.js'], { cwd: installedApp.dir, stdio: 'pipe' });
  const dist = join(installedApp.dir, 'dist-shared');
  // Vite emitted the package's shared host as a worker file of the app's own.
  expect(readdirSync(join(dist, 'assets')).filter((f) => /^shared-host\.worker-[\w-]+\.js$/.test(f))).toHaveLength(1);
  const server = await startStaticServer({ port: sidePort(2), roots: [dist, join(installedApp.dir, 'public')] });
  try {
    const url = `${server.origin}/shared.html`;
    const pages = [await context.newPage(), await context.newPage(), await context.newPage()];
    const results: Result[] = [];
    for (const page of pages) results.push(await open(page, url));
    const bare = await bareOrtOutputs();
    for (const result of results) {
      expect(result.isolated).toBe(false);
      expect(result.host.host).toBe('shared');
      expect(maxAbsDiff(result.y, bare)).toBeLessThanOrEqual(1e-6);
      expect(result.info.handle).toBe(results[0]!.info.handle);
    }
    expect(results[2]!.host.shared).toMatchObject({ pages: 3, sessionsOpened: 1, loadsJoined: 2 });
    // One model download for the three pages.
    expect(server.log.filter((path) => path.endsWith('.onnx'))).toHaveLength(1);

    // Page 1 queues 400 calls and is closed while they run; page 2's calls around them all answer.
    const [first, second] = pages as [Page, Page];
    type App = { flood(rows: number[][], n: number): void; predict(rows: number[][]): Promise<Result>; hostInfo(): Promise<Result['host']> };
    await first.evaluate((rows) => (window as unknown as App).flood(rows, 400), tinyRows());
    const ofSecond = second.evaluate(async (rows) => {
      const app = window as unknown as App;
      const ys: number[][] = [];
      for (let i = 0; i < 40; i++) ys.push((await app.predict(rows)).y);
      return ys;
    }, tinyRows());
    await first.waitForTimeout(20);
    await first.close();
    for (const y of await ofSecond) expect(maxAbsDiff(y, bare)).toBeLessThanOrEqual(1e-6);
    // The host let go of the closed page.
    await expect.poll(async () => (await second.evaluate(() => (window as unknown as App).hostInfo())).shared?.pages).toBe(2);
    expect(maxAbsDiff((await second.evaluate((rows) => (window as unknown as App).predict(rows), tinyRows())).y, bare)).toBeLessThanOrEqual(1e-6);
  } finally {
    await server.close();
  }
});
