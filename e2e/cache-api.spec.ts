/** runtime.cache lists, measures and deletes cached models, in the real IndexedDB. */
import { expect, openHarness, test } from './fixtures.js';

test('list, usage, delete and clear', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'cache-api' });
    await runtime.cache.clear();
    await runtime.load('ocr-cls');
    await runtime.load('silero-vad');
    const listed = await runtime.cache.list();
    const usage = await runtime.cache.usage();
    const deleted = await runtime.cache.delete('ocr-cls');
    const afterDelete = (await runtime.cache.list()).map((m) => m.id);
    const cleared = await runtime.cache.clear();
    const afterClear = await runtime.cache.list();
    runtime.dispose();
    return { listed, usage, deleted, afterDelete, cleared, afterClear };
  });
  expect(result.listed.map((m) => [m.id, m.version, m.precision, m.bytes]).sort()).toEqual([
    ['ocr-cls', '1.0.0', 'fp32', 578966],
    ['silero-vad', '1.0.0', 'fp32', 2327524],
  ]);
  expect(result.usage.models).toBe(578966 + 2327524);
  expect(result.usage.quota).toBeGreaterThan(0);
  expect(result.deleted).toBe(1);
  expect(result.afterDelete).toEqual(['silero-vad']);
  expect(result.cleared).toBe(1);
  expect(result.afterClear).toEqual([]);
});
