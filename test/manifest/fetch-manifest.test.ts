/** The worker's manifest: fetched once, again when asked fresh, and a load's own fetch is fresh enough for its background check. */
import { describe, expect, it } from 'vitest';
import { manifestSource } from '../../src/manifest/fetch-manifest.js';
import { DownloadFailedError } from '../../src/errors.js';

const MANIFEST = { schemaVersion: 1, models: [] };

function countingFetch(fail = () => false) {
  const calls: string[] = [];
  const fetchImpl = async (url: string) => {
    calls.push(url);
    if (fail()) throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(MANIFEST), { headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetchImpl };
}

describe('manifestSource', () => {
  it('fetches once for the worker, and again when asked fresh', async () => {
    const { calls, fetchImpl } = countingFetch();
    const source = manifestSource('https://app.test/models/manifest.json', fetchImpl);
    await source.get();
    await source.get();
    expect(calls).toHaveLength(1);
    await source.get(true);
    expect(calls).toHaveLength(2);
  });

  it('takes a fetch begun since a given time, and fetches again when its copy is older', async () => {
    const { calls, fetchImpl } = countingFetch();
    const source = manifestSource('https://app.test/models/manifest.json', fetchImpl);
    const loadStarted = performance.now();
    await source.get();
    await source.get({ since: loadStarted });
    expect(calls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 5));
    await source.get({ since: performance.now() });
    expect(calls).toHaveLength(2);
  });

  it('forgets a failed fetch, so the next call tries again', async () => {
    let failing = true;
    const { calls, fetchImpl } = countingFetch(() => failing);
    const source = manifestSource('https://app.test/models/manifest.json', fetchImpl);
    await expect(source.get()).rejects.toBeInstanceOf(DownloadFailedError);
    failing = false;
    await expect(source.get()).resolves.toBeDefined();
    expect(calls.filter((u) => u.endsWith('manifest.json')).length).toBeGreaterThanOrEqual(2);
  });
});
