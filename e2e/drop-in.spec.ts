/**
 * The drop-in script from another origin: a plain HTML page on a second origin includes
 * dist/edgeserve.iife.js from the first and predicts, through `window.edgeserve` and through the
 * declarative `<img data-edgeserve="ocr">`, also under a strict Content-Security-Policy.
 * First origin (E2E_PORT+3): the e2e build plus the drop-in script, with the app's headers
 * (CORS, CORP cross-origin, COOP/COEP). Second origin (E2E_PORT+4): pages made here.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { buildDropInLib } from './drop-in-lib.js';
import { expect, test } from './fixtures.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer, type StaticServer } from './static-server.js';

const CDN = `http://localhost:${sidePort(3)}`;
const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
// No 'unsafe-eval', no 'unsafe-inline' scripts: 'wasm-unsafe-eval' compiles WebAssembly;
// worker-src blob: starts the blob: worker that imports the package's worker; connect-src lets the worker fetch the manifest and
// models; script-src ${CDN} lets it import ORT's .mjs glue. The page has no script of its own.
const strictCsp = (scriptExtra = '') =>
  [`default-src 'none'`, `script-src ${CDN}${scriptExtra} 'wasm-unsafe-eval'`, 'worker-src blob:', `connect-src ${CDN}`, `img-src ${CDN}`].join('; ');
// Cross-origin isolated, ORT runs threaded and re-serves its .mjs from a blob: URL (a worker
// cannot start from another origin's URL), so script-src also needs blob:.
const strictIsolatedCsp = strictCsp(' blob:');

const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>another site</title><body>${body}<script src="${CDN}/edgeserve.iife.js"></script></body>`;
const declarative = (attributes = '') =>
  `<h1>Another site</h1><img id="sign" crossorigin="anonymous" src="${CDN}/samples/hello.png" data-edgeserve="ocr" ${attributes} alt="sign">`;

let cdn: StaticServer;
let site: StaticServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const libDir = buildDropInLib();
  cdn = await startStaticServer({ port: sidePort(3), roots: [libDir, e2eBuildDir], headers: appHeaders });
  const html = (body: string, headers: Record<string, string> = {}) => ({ type: 'text/html', body: () => page(body), headers });
  site = await startStaticServer({
    port: sidePort(4),
    roots: [],
    routes: {
      '/api.html': html('<p>plain page</p>', isolated),
      '/strict.html': html(declarative(), { 'Content-Security-Policy': strictCsp() }),
      // int8 here: a quarter of the download, and the precision attribute is exercised.
      '/strict-isolated.html': html(declarative('data-edgeserve-precision="int8"'), { 'Content-Security-Policy': strictIsolatedCsp, ...isolated }),
    },
  });
});

test.afterAll(async () => {
  await Promise.all([cdn?.close(), site?.close()]);
});

function watchConsole(p: Page): string[] {
  const problems: string[] = [];
  // The second origin has no favicon; that 404 is the test server's, not ours.
  p.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && problems.push(`${m.text()} ${m.location().url}`));
  p.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

test("window.edgeserve from another origin loads a model and predicts (blob: worker importing the script origin's worker, defaults from the script URL)", async ({ page: p }) => {
  const problems = watchConsole(p);
  await p.goto(`${site.origin}/api.html`);
  const result = await p.evaluate(async () => {
    const { edgeserve } = window as unknown as { edgeserve: typeof import('../src/dropin/iife.js') };
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('ocr-cls');
    const canvas = new OffscreenCanvas(192, 48);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 192, 48);
    ctx.fillStyle = '#000';
    ctx.font = '28px sans-serif';
    ctx.fillText('Hello there', 8, 34);
    const out = await model.predict({ x: edgeserve.imageToNchw(ctx.getImageData(0, 0, 192, 48)) });
    const probs = [...(Object.values(out)[0]!.data as Float32Array)];
    return {
      probs,
      info: model.info(),
      isolated: crossOriginIsolated,
      defaults: { manifest: edgeserve.scriptDefaults.manifestUrl, worker: edgeserve.workerUrl, engines: edgeserve.scriptDefaults.engineAssetsUrl ?? null },
      api: Object.keys(edgeserve).sort(),
    };
  });
  // The worker and the engines' files come from next to the script (the package's dist/lib/).
  expect(result.defaults).toEqual({ manifest: `${CDN}/models/manifest.json`, worker: `${CDN}/lib/runtime.worker.js`, engines: null });
  expect(result.probs[0]).toBeGreaterThan(0.9);
  // Cross-origin isolated page: ORT's threaded WASM, its .mjs fetched from the first origin.
  expect(result.isolated).toBe(true);
  expect(result.info).toMatchObject({ id: 'ocr-cls', backend: 'wasm' });
  expect(result.info.wasmThreads).toBeGreaterThan(1);
  expect(result.api).toEqual(expect.arrayContaining(['createRuntime', 'loadOcr', 'EdgeServeError', 'explainError', 'tensor', 'scan']));
  expect(problems).toEqual([]);
});

// (Without a CSP it works too: the window.edgeserve test above has none.)
for (const [name, path] of [
  ['a strict CSP', '/strict.html'],
  ['a strict CSP, cross-origin isolated (threaded)', '/strict-isolated.html'],
] as const) {
  test(`declarative <img data-edgeserve="ocr"> is read on another origin with ${name}`, async ({ page: p }) => {
    const problems = watchConsole(p);
    await p.goto(`${site.origin}${path}`);
    const img = p.locator('#sign');
    await expect(img).toHaveAttribute('data-edgeserve-state', 'done', { timeout: 60_000 });
    await expect(img).toHaveAttribute('data-edgeserve-text', 'Hello from\nanother origin');
    await expect(p.locator('output.edgeserve-result')).toHaveText('Hello from\nanother origin');
    expect(problems).toEqual([]);
    if (path === '/strict.html') await p.screenshot({ path: test.info().outputPath('drop-in-strict-csp.png') });
  });
}
