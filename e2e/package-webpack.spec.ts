/**
 * npm in a user's webpack 5 app: the same installed app (installed-app.ts) built by webpack with
 * the app's webpack.config.js, served with COOP/COEP; it predicts what bare onnxruntime-web does.
 */
import { join } from 'node:path';
import { bareOrtOutputs, maxAbsDiff, tinyRows } from './package/reference.js';
import { expect, repoRoot, test } from './package/installed-app.js';
import { appHeaders, sidePort, startStaticServer, type StaticServer } from './static-server.js';

let server: StaticServer | undefined;
test.afterEach(() => server?.close());

interface WebpackStats {
  hasErrors(): boolean;
  toString(options: object): string;
}
type Webpack = (config: object, callback: (error: Error | null, stats?: WebpackStats) => void) => void;

async function webpackBuild(dir: string): Promise<void> {
  const webpack = (await import(join(repoRoot, 'node_modules/webpack/lib/index.js'))).default as Webpack;
  const config = (await import(join(dir, 'webpack.config.js'))).default as object;
  await new Promise<void>((resolve, reject) =>
    webpack({ context: dir, ...config }, (error, stats) => {
      if (error || !stats || stats.hasErrors()) reject(error ?? new Error(stats?.toString({ all: false, errors: true }) ?? 'no stats'));
      else resolve();
    }),
  );
}

test('webpack 5: the installed package predicts like bare onnxruntime-web, threaded', async ({ installedApp, page }) => {
  test.setTimeout(240_000);
  const started = performance.now();
  await webpackBuild(installedApp.dir);
  console.log(`webpack build of the app: ${Math.round(performance.now() - started)} ms`);
  server = await startStaticServer({
    port: sidePort(1),
    roots: ['dist-webpack', 'webpack-page', 'public'].map((d) => join(installedApp.dir, d)),
    headers: appHeaders,
  });
  const failed: string[] = [];
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  await page.goto(`${server.origin}/`);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });
  const result = await page.evaluate(
    (rows) => (window as unknown as { predict: (r: number[][]) => Promise<{ y: number[]; info: { backend: string; wasmThreads: number } }> }).predict(rows),
    tinyRows(),
  );
  expect(failed.filter((f) => !f.endsWith('/favicon.ico'))).toEqual([]);
  expect(result.info).toMatchObject({ backend: 'wasm' });
  expect(result.info.wasmThreads).toBeGreaterThan(1);
  expect(maxAbsDiff(result.y, await bareOrtOutputs())).toBeLessThanOrEqual(1e-6);
  // Only the WASM flavour's binary, as webpack emitted it (fetched again for the device copy once
  // the worker pauses where the HTTP cache keeps no such file, as in this private window).
  expect(new Set(server.log.filter((p) => p.endsWith('.wasm'))).size).toBe(1);
});
