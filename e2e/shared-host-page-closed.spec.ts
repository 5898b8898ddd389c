/**
 * A page closed while its calls are in flight on the shared host fails none of another page's
 * calls: the host sees it gone (its page lock), cancels its queued calls and drops its hold.
 */
import { expect, openHarness, test } from './fixtures.js';
import type { Model, Runtime } from '../src/index.js';

type Shared = { sharedRuntime: Runtime; sharedModel: Model; inFlight?: Promise<unknown> };

test("a page closed mid-call does not fail the other page's calls", async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openHarness(a), openHarness(b)]);
  for (const page of [a, b])
    await page.evaluate(async () => {
      const runtime = window.harness.edgeserve.createRuntime({ host: 'shared', backend: 'wasm', storeName: 'shared-closed' });
      Object.assign(window, { sharedRuntime: runtime, sharedModel: await runtime.load('ocr-rec') });
    });
  // Page A queues calls and is closed while they run; page B's calls are queued around them.
  await a.evaluate(() => {
    const w = window as unknown as Shared;
    w.inFlight = Promise.all(Array.from({ length: 6 }, () => w.sharedModel.predict(window.harness.inputs.ocrRecInput())));
  });
  const ofB = b.evaluate(async () => {
    const w = window as unknown as Shared;
    const labels = (await w.sharedRuntime.manifest()).models.find((m) => m.id === 'ocr-rec')!.labels!;
    const read = async () => {
      const out = (await w.sharedModel.predict(window.harness.inputs.ocrRecInput()))['softmax_11.tmp_0']!;
      return window.harness.ctcDecode(out.data as Float32Array, out.dims, labels).trim();
    };
    const texts = await Promise.all(Array.from({ length: 4 }, read));
    await new Promise((resolve) => setTimeout(resolve, 300));
    return [...texts, await read()];
  });
  await a.waitForTimeout(50);
  await a.close();
  expect(await ofB).toEqual(Array.from({ length: 5 }, () => 'Hello edgeserve 2026'));
  // The host let go of page A: one page holds the session now.
  await expect
    .poll(() => b.evaluate(async () => (await (window as unknown as Shared).sharedRuntime.info()).shared))
    .toMatchObject({ pages: 1, sessions: [expect.objectContaining({ id: 'ocr-rec', pages: 1, refs: 1 })] });
});
