/**
 * A first visit leaves V8's code cache for the engine, and the returning visit uses it: the .wasm
 * is compiled by streaming from its URL on both visits (on the first from the network, while the
 * same response is checked), so Chromium serialises the compiled module into the HTTP cache's
 * entry and the next visit deserialises it instead of compiling 14 MB again. Compiling the checked
 * bytes on the first visit (as 7fcf412 did) left no code cache: the returning visit compiled
 * without one. Read from Chromium's own trace events (`wasm.SerializeModule`, `wasm.Deserialize`),
 * which say what V8 did whatever the machine's load.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { withProfile } from './real-profile.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer } from './static-server.js';

/** Runs `work` with Chromium tracing V8's WebAssembly events; returns their names. */
async function wasmEvents(page: Page, work: () => Promise<unknown>): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const names = new Set<string>();
  cdp.on('Tracing.dataCollected', (e) => {
    for (const event of e.value) names.add(String(event.name));
  });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['v8', 'v8.wasm', 'disabled-by-default-v8.wasm'] }, transferMode: 'ReportEvents' });
  await work();
  await cdp.send('Tracing.end');
  await complete;
  return [...names].filter((name) => name.startsWith('wasm.'));
}

async function loadAndPredict(page: Page, origin: string): Promise<number> {
  await page.goto(`${origin}/e2e/pages/harness.html`);
  await expect(page.locator('#status')).toHaveText('ready');
  return page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', wasmThreads: 1, storeName: 'engine-code-cache' });
    const model = await runtime.load('ocr-cls');
    // A page that uses its model: the engine's hot functions are optimised, and V8 caches those.
    for (let i = 0; i < 10; i++) await model.predict(inputs.ocrClsInput());
    const out = await model.predict(inputs.ocrClsInput());
    return (out['softmax_0.tmp_0']!.data as Float32Array)[0]!;
  });
}

test('the first visit writes V8 code cache for the engine and the returning visit reads it', async ({ playwright, launchOptions }) => {
  const server = await startStaticServer({ port: sidePort(3), roots: [e2eBuildDir], headers: { ...appHeaders, 'Cache-Control': 'public, max-age=31536000, immutable' } });
  try {
    await withProfile(playwright.chromium, launchOptions, async (context) => {
      const first = await context.newPage();
      // Chromium writes the cache once enough of the module has been optimised, or a while after:
      // a first visit that runs its model a few times and lasts some seconds, as a real one does
      // (one prediction and 6 s did not always get there on this loaded machine).
      const cold = await wasmEvents(first, async () => {
        await loadAndPredict(first, server.origin);
        await first.waitForTimeout(6000);
      });
      await first.close();
      expect(cold).toContain('wasm.StartStreamingCompilation');
      expect(cold).toContain('wasm.SerializeModule');

      const second = await context.newPage();
      const warm = await wasmEvents(second, () => loadAndPredict(second, server.origin));
      expect(warm).toContain('wasm.Deserialize');
    });
  } finally {
    await server.close();
  }
});
