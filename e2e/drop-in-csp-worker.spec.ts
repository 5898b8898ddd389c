/**
 * The drop-in starts its inlined worker from a blob: URL. On a page whose Content-Security-Policy
 * does not allow that, the error says so and which directive to change — not "the worker
 * stopped, it may have run out of memory".
 */
import { join } from 'node:path';
import { buildDropInLib } from './drop-in-lib.js';
import { expect, test } from './fixtures.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer, type StaticServer } from './static-server.js';

const CDN = `http://localhost:${sidePort(3)}`;
// Everything the drop-in needs except blob: in worker-src.
const csp = [`default-src 'none'`, `script-src ${CDN} 'unsafe-inline' 'wasm-unsafe-eval'`, `worker-src 'self'`, `connect-src ${CDN}`].join('; ');

let cdn: StaticServer;
let site: StaticServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const libDir = buildDropInLib();
  cdn = await startStaticServer({ port: sidePort(3), roots: [libDir, e2eBuildDir], headers: appHeaders });
  site = await startStaticServer({
    port: sidePort(4),
    roots: [],
    routes: {
      '/csp.html': {
        type: 'text/html',
        body: () => `<!doctype html><meta charset="utf-8"><title>strict site</title><body><script src="${CDN}/edgeserve.iife.js" data-declarative="off"></script></body>`,
        headers: { 'Content-Security-Policy': csp },
      },
    },
  });
});

test.afterAll(async () => {
  await Promise.all([cdn?.close(), site?.close()]);
});

test('a CSP whose worker-src lacks blob: is named, with the directive to change', async ({ page }) => {
  await page.goto(`${site.origin}/csp.html`);
  const result = await page.evaluate(async () => {
    const { edgeserve } = window as unknown as { edgeserve: typeof import('../src/dropin/iife.js') };
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    try {
      await runtime.load('ocr-cls');
      return undefined;
    } catch (e) {
      const err = e as InstanceType<typeof edgeserve.EdgeServeError>;
      return { ...edgeserve.explainError(err, true), code: err.code, message: err.message, details: err.details };
    } finally {
      runtime.dispose();
    }
  });
  expect(result).toMatchObject({ code: 'WORKER_START_FAILED', details: { csp: true, directive: 'worker-src' }, title: 'The model worker could not start' });
  expect(result!.message).toContain('add blob: to the worker-src directive');
});
