/** Two tabs of one origin loading the same uncached model download it once (a Web Lock serialises them). */
import { expect, openHarness, test } from './fixtures.js';
import { countModelRequests } from './manifests.js';

test('two tabs load one uncached model with one download', async ({ context }) => {
  const requests = countModelRequests(context);
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openHarness(a), openHarness(b)]);
  const load = (page: typeof a) =>
    page.evaluate(async () => {
      const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'tabs' });
      const model = await runtime.load('ocr-rec');
      runtime.dispose();
      return model.info().fromCache;
    });
  const fromCache = await Promise.all([load(a), load(b)]);
  expect(fromCache.sort()).toEqual([false, true]);
  expect(requests.all.filter((u) => u.includes('ocr-rec'))).toHaveLength(1);
});
