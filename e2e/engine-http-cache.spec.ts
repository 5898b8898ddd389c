/**
 * A warm load compiles onnxruntime-web's .wasm from the browser's HTTP cache by streaming (the
 * engine fetches its own URL), not from bytes we hand it: only a streamed compile reaches V8's
 * code cache, so only then does a returning visitor skip compiling the engine again. It does so
 * only when the cached copy is fresh and passes the build's SHA-256 as Subresource Integrity;
 * otherwise the device copy (Cache Storage) is compiled, as before.
 *
 * In a browser on a real, empty profile directory, as a returning visitor has: Playwright's usual
 * contexts keep their HTTP cache in memory, which does not take a 14 MB file.
 * Served here as a CDN serves the engine files (`max-age`, immutable); the runtime's worker
 * reports its fetches of the .wasm through Resource Timing (`transferSize` 0: from the cache).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { engineCopiesWritten, engineWasmFetches as wasmFetches, withProfile } from './real-profile.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer } from './static-server.js';

const WASM = '/engines/ort/ort-wasm-simd-threaded.wasm';

async function loadAndPredict(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', wasmThreads: 1, storeName: 'engine-http-cache' });
    const model = await runtime.load('ocr-cls');
    const out = await model.predict(inputs.ocrClsInput());
    // The worker stays up (not disposed) so its Resource Timing entries can be read.
    return (out['softmax_0.tmp_0']!.data as Float32Array)[0]!;
  });
}

async function open(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/e2e/pages/harness.html`);
  await expect(page.locator('#status')).toHaveText('ready');
}

test('a returning visit compiles the engine from the fresh, integrity-checked HTTP cache copy, not from bytes', async ({ playwright, launchOptions }) => {
  const server = await startStaticServer({ port: sidePort(2), roots: [e2eBuildDir], headers: { ...appHeaders, 'Cache-Control': 'public, max-age=31536000, immutable' } });
  try {
    await withProfile(playwright.chromium, launchOptions, async (context) => {
      const first = await context.newPage();
      await open(first, server.origin);
      const cold = await loadAndPredict(first);
      expect(cold).toBeGreaterThan(0.5);
      await engineCopiesWritten(first);
      await first.close();
      // One download: the engine fetched and compiled it; its device copy came from the HTTP cache.
      expect(server.log.filter((path) => path === WASM)).toHaveLength(1);

      const second = await context.newPage();
      await open(second, server.origin);
      expect(await loadAndPredict(second)).toBe(cold);
      // Nothing from the network: the probe and the engine's own fetch, both from the cache.
      // Compiled from bytes, the engine would fetch nothing, and only the probe would be listed.
      expect(server.log.filter((path) => path === WASM)).toHaveLength(1);
      expect(await wasmFetches(second)).toEqual([{ transferSize: 0 }, { transferSize: 0 }]);
    });
  } finally {
    await server.close();
  }
});

test('a cached copy that must be revalidated is not streamed: the device copy is compiled instead', async ({ playwright, launchOptions }) => {
  // `no-cache`: the engine's own fetch would have to ask the network (and fail offline).
  const server = await startStaticServer({ port: sidePort(2), roots: [e2eBuildDir], headers: appHeaders });
  try {
    await withProfile(playwright.chromium, launchOptions, async (context) => {
      const first = await context.newPage();
      await open(first, server.origin);
      const cold = await loadAndPredict(first);
      await engineCopiesWritten(first);
      await first.close();
      // One download, read by the engine's streamed compile and by the check alike.
      const afterCold = server.log.filter((path) => path === WASM).length;
      expect(afterCold).toBe(1);

      const second = await context.newPage();
      await open(second, server.origin);
      expect(await loadAndPredict(second)).toBe(cold);
      // Only the probe: the engine compiled the device copy's bytes and fetched nothing itself.
      expect(await wasmFetches(second)).toEqual([{ transferSize: 0 }]);
      expect(server.log.filter((path) => path === WASM)).toHaveLength(afterCold);
    });
  } finally {
    await server.close();
  }
});
