/**
 * The store's chunk hasher in Chromium (src/integrity/chunk-hasher.ts): a big file's chunks are
 * hashed in a worker of its own, made from a blob: URL, in order whatever order they came in,
 * and it tells how far it got; on a page whose Content-Security-Policy forbids blob: workers the
 * same hash runs on the calling thread, with no error for the page. Each digest is checked
 * against WebCrypto's.
 */
import { expect, openHarness, test } from './fixtures.js';

/** 5 chunks of 1 MiB (the last short) added 3, 0, 4, 1, 2; the hasher's `where`, its digest, WebCrypto's. */
const hashOutOfOrder = () =>
  window.harness.hashing.chunkHasher(5 * 1024 * 1024 - 17, 0).then(async (hasher) => {
    const file = new Uint8Array(5 * 1024 * 1024 - 17).map((_, i) => (i * 131) % 251);
    const CHUNK = 1024 * 1024;
    const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', file));
    for (const c of [3, 0, 4, 1, 2]) hasher.add(c, file.slice(c * CHUNK, (c + 1) * CHUNK).buffer);
    // The worker says how far it has hashed (a reader waits on it): all 5, before the digest is asked.
    await hasher.caughtUp(0);
    return { where: hasher.where, digest: await hasher.digest(), expected: [...expected].map((b) => b.toString(16).padStart(2, '0')).join('') };
  });

test('a big file is hashed in a worker of its own, chunks in order, the same digest as WebCrypto', async ({ page }) => {
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await openHarness(page);
  const result = await page.evaluate(hashOutOfOrder);
  expect(result.where).toBe('worker');
  expect(result.digest).toBe(result.expected);
  expect(workers.filter((url) => url.startsWith('blob:'))).toHaveLength(1);
});

test('where the page forbids blob: workers, the same hash runs on the calling thread, with no error', async ({ page }) => {
  await page.route('**/e2e/pages/harness.html', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': "worker-src 'self'" } });
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openHarness(page);
  const result = await page.evaluate(hashOutOfOrder);
  expect(result.where).toBe('here');
  expect(result.digest).toBe(result.expected);
  expect(errors).toEqual([]);
});
