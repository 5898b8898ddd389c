/**
 * Storage pressure with Chromium's real quota lowered through the DevTools protocol: a model
 * that does not fit evicts a least-recently-used one not in use, or — when nothing could make
 * room — runs from memory; the outcome is reported and nothing corrupt is left in the store.
 * (Chromium enforces the overridden quota on writes but navigator.storage.estimate() keeps
 * reporting the real one, so these tests exercise the "write refused → evict → retry" path;
 * the estimate-first path is covered in test/store/eviction.test.ts.)
 */
import { expect, openHarness, test } from './fixtures.js';

const MB = 1024 * 1024;

async function setQuota(page: import('@playwright/test').Page, quotaSize: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize });
}

/** Every entry the store lists loads back (bytes and hashes are checked on read). */
async function everyEntryLoads(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'quota' });
    const listed = await runtime.cache.list();
    const fromCache: boolean[] = [];
    for (const entry of listed) fromCache.push((await runtime.load(entry.id, { precision: entry.precision })).info().fromCache);
    runtime.dispose();
    return { ids: listed.map((e) => e.id).sort(), fromCache };
  });
}

test('a model that does not fit evicts the least recently used one not in use', async ({ page }) => {
  await openHarness(page);
  await setQuota(page, 14 * MB);
  const load = () =>
    page.evaluate(async () => {
      const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'quota' });
      const det = await runtime.load('ocr-det'); // 4.7 MB, then released
      await det.dispose();
      await runtime.load('ocr-cls'); // 0.6 MB, kept in use
      const rec = await runtime.load('ocr-rec'); // 10.8 MB: only fits without ocr-det
      runtime.dispose();
      return rec.info();
    });
  const first = await load();
  expect(first.evicted).toEqual(['ocr-det@1.0.0/fp32']);
  // Chromium reclaims deleted IndexedDB bytes lazily, so in the session that evicts, the
  // freed quota may not be usable yet: then the model runs from memory and says so.
  if (!first.stored) expect(first.storeError).toMatch(/memory/);
  const afterFirst = await everyEntryLoads(page);
  expect(afterFirst.fromCache.every(Boolean)).toBe(true);
  expect(afterFirst.ids).toEqual(first.stored ? ['ocr-cls', 'ocr-rec'] : ['ocr-cls']);
  console.log(`eviction session: stored=${first.stored} ${first.storeError ?? ''}`);
});

test('a model larger than the quota runs from memory and says so', async ({ page }) => {
  await openHarness(page);
  await setQuota(page, 6 * MB);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs, ctcDecode } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'quota' });
    await runtime.load('ocr-cls');
    const labels = (await runtime.manifest()).models.find((m) => m.id === 'ocr-rec')!.labels!;
    const rec = await runtime.load('ocr-rec');
    const out = (await rec.predict(inputs.ocrRecInput()))['softmax_11.tmp_0']!;
    runtime.dispose();
    return { info: rec.info(), text: ctcDecode(out.data as Float32Array, out.dims, labels).trim() };
  });
  expect(result.info).toMatchObject({ stored: false, fromCache: false });
  expect(result.info.storeError).toMatch(/memory/);
  expect(result.info.evicted).toBeUndefined(); // nothing was thrown away for nothing
  expect(result.text).toBe('Hello edgeserve 2026');
  expect(await everyEntryLoads(page)).toEqual({ ids: ['ocr-cls'], fromCache: [true] });
});
