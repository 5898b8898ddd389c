/**
 * Which way the engine gets its .wasm (engine-file-cache.ts): from its URL when the HTTP cache's
 * entry is fresh and known to be right, else the device copy's bytes. The decision only: Cache
 * Storage and the HTTP cache are small in-memory stand-ins here; what the browser does with them
 * is e2e/engine-http-cache.spec.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openEngineFileCache } from '../../src/engines/engine-file-cache.js';
import { sha256Hex } from '../../src/integrity/sha256.js';

const ORIGIN = 'https://app.example';
const URL_ = `${ORIGIN}/engines/ort/ort-wasm-simd-threaded.wasm`;
/** The engine served by a CDN, another origin than the page's. */
const CDN_URL = 'https://cdn.example/edgeserve/lib/ort/ort-wasm-simd-threaded.wasm';
const BYTES = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
const FRESH = { 'cache-control': 'public, max-age=31536000, immutable', date: 'Sun, 22 Nov 2026 20:00:00 GMT', etag: '"v1"', 'content-length': '8' };

/** A Cache Storage with one cache, kept in a Map; `put` waits for `writable` when one is given. */
function memoryCaches(writable?: Promise<void>): { storage: CacheStorage; entries: Map<string, Response> } {
  const entries = new Map<string, Response>();
  const cache = {
    match: async (url: string) => entries.get(url)?.clone(),
    put: async (url: string, response: Response) => {
      await writable;
      entries.set(url, response);
    },
    delete: async (url: string) => entries.delete(url),
  };
  return { storage: { open: async () => cache } as unknown as CacheStorage, entries };
}

/** The bytes in three pieces, as a network delivers a body. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const pieces = [bytes.slice(0, 3), bytes.slice(3, 5), bytes.slice(5)];
  return new ReadableStream({ pull: (c) => (pieces.length ? c.enqueue(pieces.shift()!) : c.close()) });
}

/** The network and an HTTP cache holding `cached` (headers), which `only-if-cached` answers from. */
function fakeFetch(cached: Record<string, string> | undefined) {
  const calls: RequestInit[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit = {}) => {
    calls.push(init);
    if (init.cache === 'only-if-cached' && !cached) throw new TypeError('Failed to fetch');
    return new Response(init.cache === 'only-if-cached' ? BYTES.slice() : chunked(BYTES), { headers: cached ?? FRESH });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

async function deviceCopy(entries: Map<string, Response>, headers: Record<string, string>): Promise<void> {
  entries.set(URL_, new Response(BYTES.slice(), { headers: { 'x-edgeserve-sha256': await sha256Hex(BYTES), ...headers } }));
}

const identityOf = (h: Record<string, string>) => [h.etag ?? '', h.date ?? '', h['last-modified'] ?? '', h['content-length'] ?? ''].join('|');

describe('engine .wasm source', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-11-22T21:00:00Z'), toFake: ['Date'] });
    vi.stubGlobal('location', { origin: ORIGIN });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('streams from the URL when the HTTP cache holds the very response the device copy was hashed from', async () => {
    const { storage, entries } = memoryCaches();
    await deviceCopy(entries, { 'x-edgeserve-response': identityOf(FRESH) });
    const { fetchImpl, calls } = fakeFetch(FRESH);
    expect(await openEngineFileCache('e', storage, fetchImpl)!.wasm(URL_)).toEqual({ url: URL_ });
    expect(calls).toEqual([{ cache: 'only-if-cached', mode: 'same-origin' }]);
  });

  it('compiles the device copy when the HTTP cache holds another response, or one that must be revalidated', async () => {
    for (const cached of [
      { ...FRESH, date: 'Sun, 22 Nov 2026 20:30:00 GMT' },
      { ...FRESH, 'cache-control': 'no-cache' },
    ]) {
      const { storage, entries } = memoryCaches();
      await deviceCopy(entries, { 'x-edgeserve-response': identityOf(FRESH) });
      const source = await openEngineFileCache('e', storage, fakeFetch(cached).fetchImpl)!.wasm(URL_);
      expect(source).toEqual({ bytes: BYTES.buffer });
    }
  });

  it('a device copy kept before responses were recorded: checked by the build hash as SRI, streamed, and kept again with its response', async () => {
    const { storage, entries } = memoryCaches();
    await deviceCopy(entries, {});
    const { fetchImpl, calls } = fakeFetch(FRESH);
    const hash = await sha256Hex(BYTES);
    expect(await openEngineFileCache('e', storage, fetchImpl)!.wasm(URL_, hash)).toEqual({ url: URL_ });
    expect(calls[0]).toEqual({ cache: 'only-if-cached', mode: 'same-origin', integrity: `sha256-${Buffer.from(hash, 'hex').toString('base64')}` });
    await vi.waitFor(() => expect(entries.get(URL_)?.headers.get('x-edgeserve-response')).toBe(identityOf(FRESH)));
  });

  it('a first visit to a CDN downloads once, when the engine fetches: it compiles one branch while the other is checked; the device copy waits for flush()', async () => {
    const { storage, entries } = memoryCaches();
    const { fetchImpl, calls } = fakeFetch(undefined);
    const files = openEngineFileCache('e', storage, fetchImpl)!;
    const source = await files.wasm(CDN_URL, await sha256Hex(BYTES));
    if (!('response' in source)) throw new Error(`expected a first download, got ${JSON.stringify(source)}`);
    // No probe of an empty HTTP cache, and nothing fetched before the engine asks.
    expect(calls).toEqual([]);
    const forEngine = await source.response();
    expect(new Uint8Array(await forEngine.arrayBuffer())).toEqual(BYTES);
    await source.verify();
    expect(calls).toEqual([{}]);
    expect(entries.has(CDN_URL)).toBe(false);
    await files.flush();
    expect(entries.get(CDN_URL)?.headers.get('x-edgeserve-response')).toBe(identityOf(FRESH));
    expect(new Uint8Array(await entries.get(CDN_URL)!.arrayBuffer())).toEqual(BYTES);
    expect(calls).toEqual([{}]);
  });

  it('a first download from a CDN that does not match the build hash fails its check, and nothing is kept', async () => {
    const { storage, entries } = memoryCaches();
    const files = openEngineFileCache('e', storage, fakeFetch(undefined).fetchImpl)!;
    const source = await files.wasm(CDN_URL, '0'.repeat(64));
    if (!('response' in source)) throw new Error('expected a first download');
    await source.response();
    await expect(source.verify()).rejects.toMatchObject({ code: 'INTEGRITY_MISMATCH' });
    await files.flush();
    expect(entries.size).toBe(0);
  });

  it('a first visit to an engine on its own origin: the engine fetches it; the device copy is read from the HTTP cache and checked after flush()', async () => {
    const { storage, entries } = memoryCaches();
    const { fetchImpl, calls } = fakeFetch(FRESH);
    const files = openEngineFileCache('e', storage, fetchImpl)!;
    expect(await files.wasm(URL_, await sha256Hex(BYTES))).toEqual({ url: URL_ });
    // Nothing fetched or checked beside the engine's own download.
    expect(calls).toEqual([]);
    expect(files.pending()).toBe(true);
    await files.flush();
    // The HTTP cache's copy while it keeps one.
    expect(calls).toEqual([{ cache: 'force-cache' }]);
    expect(entries.get(URL_)?.headers.get('x-edgeserve-response')).toBe(identityOf(FRESH));
    expect(new Uint8Array(await entries.get(URL_)!.arrayBuffer())).toEqual(BYTES);
  });

  it('a first visit whose own-origin .wasm does not match the build hash keeps no device copy', async () => {
    const { storage, entries } = memoryCaches();
    const files = openEngineFileCache('e', storage, fakeFetch(FRESH).fetchImpl)!;
    expect(await files.wasm(URL_, '0'.repeat(64))).toEqual({ url: URL_ });
    await files.flush();
    expect(entries.has(URL_)).toBe(false);
  });

  it("a first visit's glue is imported from its URL at once; its device copy is taken after flush()", async () => {
    const { storage, entries } = memoryCaches();
    const { fetchImpl, calls } = fakeFetch(undefined);
    const files = openEngineFileCache('e', storage, fetchImpl)!;
    const glueUrl = `${ORIGIN}/engines/ort/ort-wasm-simd-threaded.mjs`;
    expect(await files.glue(glueUrl)).toBe(glueUrl);
    expect(calls).toEqual([]);
    await files.flush();
    expect(calls).toEqual([{}]);
    expect(entries.has(glueUrl)).toBe(true);
  });

  it('a second flush (the worker about to end) resolves only once the writes the first one began are done', async () => {
    let allowWrite!: () => void;
    const { storage, entries } = memoryCaches(new Promise<void>((resolve) => (allowWrite = resolve)));
    const files = openEngineFileCache('e', storage, fakeFetch(undefined).fetchImpl)!;
    const source = await files.wasm(CDN_URL, await sha256Hex(BYTES));
    if (!('response' in source)) throw new Error('expected a first download');
    await source.response();
    await source.verify();
    void files.flush();
    let settled = false;
    const second = files.flush().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    allowWrite();
    await second;
    expect(entries.has(CDN_URL)).toBe(true);
  });
});
