/**
 * The chunked store in real Chromium against real IndexedDB and Web Locks: a download whose
 * bytes do not match leaves neither record nor chunks behind, and chunks a closed tab left
 * without a record are swept — but not while another tab's write of that entry holds its lock.
 */
import { readFile } from 'node:fs/promises';
import { expect, openHarness, test } from './fixtures.js';

/** Every key of the store's object store, read from the page (the worker's database, same origin). */
const rawKeys = (page: import('@playwright/test').Page, storeName: string) =>
  page.evaluate(async (storeName) => {
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const db = await request(indexedDB.open(storeName));
    const keys = (await request(db.transaction('models').objectStore('models').getAllKeys())) as string[];
    db.close();
    return keys.filter((k) => k.startsWith('entry/') || k.startsWith('chunk/')).sort();
  }, storeName);

test('a download that fails its SHA-256 leaves no chunk and no record in IndexedDB', async ({ context, page }) => {
  // ocr-rec is 10.8 MB: three 4 MiB chunks, the first two written before the last byte arrives.
  const real = await readFile(new URL('../public/models/ocr-rec/1.0.0/ch_PP-OCRv4_rec_infer.onnx', import.meta.url));
  const altered = Buffer.from(real);
  altered[altered.length - 1]! ^= 0xff;
  await context.route('**/models/ocr-rec/**/*.onnx', (route) => route.fulfill({ body: altered, contentType: 'application/octet-stream' }));
  await openHarness(page);
  const code = await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'chunks-mismatch' });
    await runtime.cache.clear();
    await runtime.load('ocr-cls'); // a model that stays, so the database and its store exist
    const outcome = await runtime.load('ocr-rec').then(
      () => 'loaded',
      (error: { code?: string }) => error.code,
    );
    runtime.dispose();
    return outcome;
  });
  expect(code).toBe('INTEGRITY_MISMATCH');
  expect((await rawKeys(page, 'chunks-mismatch')).filter((k) => k.includes('ocr-rec'))).toEqual([]);
});

test('chunks left without a record are swept, except while their write lock is held', async ({ page }) => {
  await openHarness(page);
  const storeName = 'chunks-orphans';
  await page.evaluate(async (storeName) => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName });
    await runtime.cache.clear();
    await runtime.load('ocr-cls');
    runtime.dispose();
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const db = await request(indexedDB.open(storeName));
    const tx = db.transaction('models', 'readwrite');
    // A tab closed mid-download (no lock any more), and a write in progress in another tab.
    tx.objectStore('models').put(new ArrayBuffer(1024), 'chunk/ocr-cls/0.9.0/fp32/0/0');
    tx.objectStore('models').put(new ArrayBuffer(1024), 'chunk/ocr-det/0.9.0/fp32/0/0');
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    // Held by the page until released: as a writing tab's store holds it.
    let release!: () => void;
    (window as unknown as { releaseWrite: () => void }).releaseWrite = () => release();
    await new Promise<void>(
      (held) => void navigator.locks.request(`edgeserve-store-write:${storeName}:entry/ocr-det/0.9.0/fp32`, () => (held(), new Promise<void>((r) => (release = r)))),
    );
  }, storeName);
  const list = () =>
    page.evaluate(async (storeName) => {
      const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName });
      const listed = (await runtime.cache.list()).map((e) => `${e.id}@${e.version}`);
      runtime.dispose();
      return listed;
    }, storeName);

  expect(await list()).toEqual(['ocr-cls@1.0.0']);
  expect(await rawKeys(page, storeName)).toEqual(['chunk/ocr-cls/1.0.0/fp32/0/0', 'chunk/ocr-det/0.9.0/fp32/0/0', 'entry/ocr-cls/1.0.0/fp32']);
  await page.evaluate(() => (window as unknown as { releaseWrite: () => void }).releaseWrite());
  expect(await list()).toEqual(['ocr-cls@1.0.0']);
  expect(await rawKeys(page, storeName)).toEqual(['chunk/ocr-cls/1.0.0/fp32/0/0', 'entry/ocr-cls/1.0.0/fp32']);
});
