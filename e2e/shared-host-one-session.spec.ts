/**
 * Two pages of one origin with host: 'shared' load the same model into one session of one
 * shared host: the second load joins the first's session (no engine start-up, no store read),
 * and both pages' predicts are answered right, each to its own page.
 */
import { expect, openHarness, test } from './fixtures.js';

test('two pages load one model into one shared session and both predict', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openHarness(a), openHarness(b)]);
  const load = (page: typeof a) =>
    page.evaluate(async () => {
      const { edgeserve } = window.harness;
      const runtime = edgeserve.createRuntime({ host: 'shared', backend: 'wasm', storeName: 'shared-one' });
      const model = await runtime.load('ocr-cls');
      Object.assign(window, { sharedRuntime: runtime, sharedModel: model });
      return { info: model.info(), host: await runtime.info() };
    });
  const first = await load(a);
  const second = await load(b);
  expect(first.host.host).toBe('shared');
  expect(second.host.host).toBe('shared');
  // The shared worker is not cross-origin isolated even on an isolated page: one thread, no SharedArrayBuffer.
  expect(first.host.scope).toEqual({ crossOriginIsolated: false, sharedArrayBuffer: false, nestedWorkers: false });
  expect(first.info.wasmThreads).toBe(1);
  expect(second.info.handle).toBe(first.info.handle);
  expect(second.host.shared).toMatchObject({ pages: 2, sessionsOpened: 1, loadsJoined: 1 });
  expect(second.host.shared?.sessions).toEqual([expect.objectContaining({ id: 'ocr-cls', pages: 2, refs: 2 })]);

  const predict = (page: typeof a, turned: boolean) =>
    page.evaluate(async (turned) => {
      const { inputs } = window.harness;
      const { sharedModel } = window as unknown as { sharedModel: import('../src/index.js').Model };
      const out = (await sharedModel.predict(inputs.ocrClsInput(turned)))['softmax_0.tmp_0']!;
      return [...(out.data as Float32Array)];
    }, turned);
  const metrics = (page: typeof a) => page.evaluate(() => (window as unknown as { sharedRuntime: import('../src/index.js').Runtime }).sharedRuntime.metrics());
  const [upright, turned] = await Promise.all([predict(a, false), predict(b, true)]);
  expect(upright[0]).toBeGreaterThan(0.9);
  expect(turned[1]).toBeGreaterThan(0.9);
  // Each page counts its own call; the host's total counts both and one load (one store or network read).
  const [ofA, ofB] = [await metrics(a), await metrics(b)];
  expect(ofA.models.find((m) => m.model === 'ocr-cls')?.calls).toBe(1);
  expect(ofB.models.find((m) => m.model === 'ocr-cls')?.calls).toBe(1);
  expect(ofB.shared?.pages).toBe(2);
  const total = ofB.shared?.total.models.find((m) => m.model === 'ocr-cls');
  expect(total?.calls).toBe(2);
  expect((total?.cacheHits ?? 0) + (total?.cacheMisses ?? 0)).toBe(1);
});
