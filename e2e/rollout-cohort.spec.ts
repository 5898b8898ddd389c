/**
 * Canary/A-B: a device's cohort is sticky across reloads (its id is kept in the store), an
 * app-supplied id decides the cohort the same way on any device, and info() says which.
 * (The share on the canary across 20,000 simulated ids is checked in test/manifest/rollout.test.ts.)
 */
import { expect, openHarness, test } from './fixtures.js';
import { serveManifest, withVersions } from './manifests.js';

const rollout = withVersions('ocr-cls', ['1.0.0', '2.0.0'], { kind: 'rollout', stable: '1.0.0', candidate: '2.0.0', percent: 50 });

async function loadCohort(page: import('@playwright/test').Page, deviceId?: string) {
  return page.evaluate(async (deviceId) => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'cohort', ...(deviceId ? { deviceId } : {}) });
    const model = await runtime.load('ocr-cls');
    await runtime.refresh('ocr-cls');
    const info = model.info();
    runtime.dispose();
    return { version: info.version, cohort: info.cohort, expected: deviceId ? edgeserve.cohortBucket(deviceId, 'ocr-cls') : undefined };
  }, deviceId);
}

/** The device id the store keeps (read straight from IndexedDB), and the bucket it hashes to. */
async function savedDeviceId(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const db = await request(indexedDB.open('cohort'));
    const id = (await request(db.transaction('models').objectStore('models').get('device-id'))) as string | undefined;
    db.close();
    return { id, bucket: id ? window.harness.edgeserve.cohortBucket(id, 'ocr-cls') : undefined };
  });
}

test('a device keeps its cohort and version across reloads', async ({ context, page }) => {
  await serveManifest(context, rollout);
  await openHarness(page);
  await page.evaluate(() => new Promise((resolve) => (indexedDB.deleteDatabase('cohort').onsuccess = resolve)));
  const first = await loadCohort(page);
  expect(first.cohort?.percent).toBe(50);
  expect(first.version).toBe(first.cohort!.arm === 'candidate' ? '2.0.0' : '1.0.0');
  // The id was saved, and it is the one the cohort was drawn from.
  const saved = await savedDeviceId(page);
  expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(first.cohort!.bucket).toBe(saved.bucket);
  for (let i = 0; i < 2; i++) {
    await page.reload();
    await openHarness(page);
    expect(await loadCohort(page)).toEqual(first);
    // Reused, not made again: the same saved id after each reload.
    expect(await savedDeviceId(page)).toEqual(saved);
  }
});

test('app-supplied device ids land in their hashed buckets on both arms', async ({ context, page }) => {
  await serveManifest(context, rollout);
  await openHarness(page);
  const seen = new Set<string>();
  for (const id of ['user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6']) {
    await page.evaluate(() => indexedDB.deleteDatabase('cohort'));
    const result = await loadCohort(page, id);
    expect(result.cohort!.bucket).toBe(result.expected);
    expect(result.version).toBe(result.expected! < 50 ? '2.0.0' : '1.0.0');
    seen.add(result.version);
  }
  // Six ids at 50%: both arms are hit unless the hash is badly skewed (p = 1/32).
  expect(seen.size).toBe(2);
});
