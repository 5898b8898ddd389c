/**
 * The drop-in script from a CDN: the installed package's folder served as it is (unpkg/jsDelivr
 * layout: /dist/edgeserve.iife.js) on one origin, a page on a second, the app's manifest and
 * model on a third. The page predicts on WASM, and the bytes it downloaded before its first
 * prediction are counted from the servers' own logs (the page, the worker and onnxruntime-web's
 * threads all fetch through them): the README quotes these figures.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './package/installed-app.js';
import { bareOrtOutputs, maxAbsDiff, tinyRows } from './package/reference.js';
import { appHeaders, sidePort, startStaticServer, type StaticServer } from './static-server.js';

const servers: StaticServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
// What a package CDN sends: CORS, and CORP so a cross-origin-isolated page may use the files.
const cdnHeaders = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

test('edgeserve.iife.js from a CDN origin predicts on a second origin with models from a third, within the byte budget', async ({ installedApp, page }) => {
  test.setTimeout(120_000);
  const cdn = await startStaticServer({ port: sidePort(1), roots: [installedApp.packageDir], headers: cdnHeaders });
  const models = await startStaticServer({ port: sidePort(3), roots: [join(installedApp.dir, 'public')], headers: appHeaders });
  const html = `<!doctype html><meta charset="utf-8"><title>a page</title><p id="status">loading</p>
<script src="${cdn.origin}/dist/edgeserve.iife.js"></script>
<script type="module">
  const runtime = edgeserve.createRuntime({ manifestUrl: '${models.origin}/models/manifest.json', backend: 'wasm' });
  const model = await runtime.load('tiny');
  window.predict = async (rows) => {
    const x = edgeserve.tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
    const { y } = await model.predict({ x });
    return { y: [...y.data], info: model.info() };
  };
  document.querySelector('#status').textContent = 'ready';
</script>`;
  const site = await startStaticServer({ port: sidePort(2), roots: [], routes: { '/': { type: 'text/html', body: () => html, headers: isolated } } });
  servers.push(cdn, models, site);

  await page.goto(`${site.origin}/`);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 60_000 });
  const result = await page.evaluate(
    (rows) => (window as unknown as { predict: (r: number[][]) => Promise<{ y: number[]; info: { backend: string; wasmThreads: number } }> }).predict(rows),
    tinyRows(),
  );
  expect(result.info).toMatchObject({ backend: 'wasm' });
  expect(result.info.wasmThreads).toBeGreaterThan(1);
  expect(maxAbsDiff(result.y, await bareOrtOutputs())).toBeLessThanOrEqual(1e-6);

  // Every request the CDN answered, by kind, with the size of the file it sent.
  const sizes = cdn.log.map((path) => ({ path, bytes: statSync(join(installedApp.packageDir, path)).size }));
  const sum = (re: RegExp) => sizes.filter((s) => re.test(s.path)).reduce((n, s) => n + s.bytes, 0);
  const js = sum(/\.m?js$/);
  const wasm = sum(/\.wasm$/);
  console.log(
    `CDN bytes before the first ONNX prediction on WASM: JavaScript ${(js / 1e6).toFixed(3)} MB, .wasm ${(wasm / 1e6).toFixed(2)} MB (${sizes.length} requests: ${sizes.map((s) => s.path).join(', ')})`,
  );
  expect(js).toBeLessThanOrEqual(600_000);
  expect(wasm).toBeLessThanOrEqual(15_000_000);
  // Lazily per need: no JSEP (WebGPU) flavour, no TensorFlow.js.
  expect(cdn.log.filter((p) => /jsep|tfjs/.test(p))).toEqual([]);
  expect(cdn.log).toContain('/dist/lib/ort/ort-wasm-simd-threaded.wasm');
});
