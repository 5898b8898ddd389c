/**
 * A real server that stalls, and one that cuts the connection, on their own origin (a CDN, as
 * models usually are): a stall fails the load with DOWNLOAD_FAILED after the stall limit instead
 * of hanging it; a cut is resumed with a Range request and the model still has to match its
 * SHA-256. The model server sends CORS headers and exposes Content-Range (without that, a
 * cross-origin 206 cannot be checked and the download starts again from byte 0).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { expect, openHarness, test } from './fixtures.js';
import { realManifest, serveManifest } from './manifests.js';
import { appHeaders, sidePort } from './static-server.js';

const FILE = new URL('../public/models/ocr-cls/1.0.0/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url);

async function startServer(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void) {
  const body = await readFile(FILE);
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    for (const [k, v] of Object.entries({ ...appHeaders, 'Access-Control-Expose-Headers': 'Content-Range', 'Cache-Control': 'no-store' })) res.setHeader(k, v);
    handle(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(sidePort(1), 'localhost', resolve));
  return {
    ranges,
    url: `http://localhost:${sidePort(1)}/ocr-cls.onnx`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function pointAt(url: string) {
  const manifest = realManifest();
  manifest.models[0]!.versions[0]!.variants[0]!.files[0]!.url = url;
  return manifest;
}

async function load(page: import('@playwright/test').Page, storeName: string) {
  return page.evaluate(async (storeName) => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName, downloadStallMs: 2000 });
    await runtime.cache.clear();
    const started = performance.now();
    try {
      const model = await runtime.load('ocr-cls');
      return { code: 'OK', ms: performance.now() - started, fromCache: model.info().fromCache, cached: (await runtime.cache.list()).length, message: '' };
    } catch (error) {
      return { code: (error as { code?: string }).code, ms: performance.now() - started, message: (error as Error).message, cached: (await runtime.cache.list()).length };
    } finally {
      runtime.dispose();
    }
  }, storeName);
}

test('a server that stops sending mid-download fails the load with DOWNLOAD_FAILED after the stall limit', async ({ context, page }) => {
  const server = await startServer((_req, res, body) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    res.write(body.subarray(0, 100_000)); // and then nothing, the connection held open
  });
  try {
    await serveManifest(context, pointAt(server.url));
    await openHarness(page);
    const outcome = await load(page, 'stall');
    expect(outcome).toMatchObject({ code: 'DOWNLOAD_FAILED', cached: 0 });
    expect(outcome.message).toMatch(/stalled: no bytes for 2000 ms after 100000 of/);
    expect(outcome.ms).toBeLessThan(15_000);
  } finally {
    await server.close();
  }
});

test('a cut download resumes with a Range request and is still verified', async ({ context, page }) => {
  let requests = 0;
  const server = await startServer((req, res, body) => {
    requests++;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (requests === 1) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      res.write(body.subarray(0, 200_000), () => setTimeout(() => res.destroy(), 100));
      return;
    }
    const from = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': body.length - from,
      ...(range ? { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}),
    });
    res.end(body.subarray(from));
  });
  try {
    await serveManifest(context, pointAt(server.url));
    await openHarness(page);
    const outcome = await load(page, 'resume');
    expect(outcome).toMatchObject({ code: 'OK', fromCache: false, cached: 1 });
    expect(server.ranges[0]).toBeUndefined();
    expect(server.ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(server.ranges[1]!)![0])).toBeGreaterThan(0);
  } finally {
    await server.close();
  }
});
