/**
 * A shared host that goes away (here: it is asked to close itself, as pages do with a stuck
 * one) is seen by every page through its life lock; their next calls start a new instance
 * under the same name, where each page's model loads again from the store, and both answer.
 */
import { expect, openHarness, test } from './fixtures.js';
import type { Model, Runtime } from '../src/index.js';

type Shared = { sharedRuntime: Runtime; sharedModel: Model };

test('every page goes on after the shared host went away, its model loaded again from the store', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openHarness(a), openHarness(b)]);
  for (const page of [a, b])
    await page.evaluate(async () => {
      const runtime = window.harness.edgeserve.createRuntime({ host: 'shared', backend: 'wasm', storeName: 'shared-restart' });
      Object.assign(window, { sharedRuntime: runtime, sharedModel: await runtime.load('ocr-cls') });
    });
  const name = await a.evaluate(async () => (await (window as unknown as Shared).sharedRuntime.info()).name);
  expect(name).toMatch(/^edgeserve-shared:shared-restart:[0-9a-f]{8}#g0$/);
  await a.evaluate((name) => {
    const channel = new BroadcastChannel(`edgeserve-close:${name}`);
    channel.postMessage('close');
    channel.close();
  }, name);
  // A call that reaches the closed host before the page saw it go is rejected with WORKER_CRASHED; the next one runs on the new host.
  const predictAgain = (page: typeof a) =>
    page.evaluate(async () => {
      const w = window as unknown as Shared;
      const crashed: string[] = [];
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          const out = (await w.sharedModel.predict(window.harness.inputs.ocrClsInput(false)))['softmax_0.tmp_0']!;
          return { upright: (out.data as Float32Array)[0]!, crashed, info: await w.sharedRuntime.info() };
        } catch (error) {
          if ((error as { code?: string }).code !== 'WORKER_CRASHED') throw error;
          crashed.push('WORKER_CRASHED');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      throw new Error('the page never reached a new host');
    });
  const afters = await Promise.all([predictAgain(a), predictAgain(b)]);
  for (const after of afters) {
    expect(after.upright).toBeGreaterThan(0.9);
    expect(after.info).toMatchObject({ host: 'shared', name });
  }
  // A new instance: one session again, opened from the store (a cache hit, no download), joined by
  // the other page. Read once both pages have answered: the page that reached the new host first
  // may read its figures before the other has attached.
  const settled = await b.evaluate(async () => {
    const { sharedRuntime } = window as unknown as Shared;
    return { info: await sharedRuntime.info(), metrics: await sharedRuntime.metrics() };
  });
  expect(settled.info.shared).toMatchObject({ pages: 2, sessionsOpened: 1, loadsJoined: 1 });
  const total = settled.metrics.shared?.total.models.find((m) => m.model === 'ocr-cls');
  expect(total).toMatchObject({ cacheHits: 1, cacheMisses: 0, bytesDownloaded: 0 });
});
