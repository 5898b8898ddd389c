/**
 * The cold path's bytes, in Node against the real fetch and the loopback server, with the
 * memory store (the IndexedDB store's own behaviour is in e2e/: store-healing, storage-quota,
 * integrity-mismatch, download-*): chunks reach the store while the download is still running,
 * the record only after the whole file's SHA-256 matched, and a failed download leaves nothing.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../src/errors.js';
import { fetchVariant, type FetchVariantArgs } from '../../src/host/fetch-variant.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { LoadProgress } from '../../src/protocol.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { ModelStore } from '../../src/store/model-store.js';
import { slowStore } from '../fixtures/slow-store.js';
import { publicDir, startModelServer, type ModelServer } from '../fixtures/model-server.js';

let server: ModelServer;
let manifest: Manifest;
const ID = 'ocr-rec'; // 10.8 MB: three 4 MiB chunks
const key = { id: ID, version: '1.0.0', precision: 'fp32' as const };

beforeAll(async () => {
  server = await startModelServer();
  manifest = JSON.parse(await readFile(`${publicDir}models/manifest.json`, 'utf8')) as Manifest;
});
afterAll(() => server.close());

const variant = () => manifest.models.find((m) => m.id === ID)!.versions[0]!.variants.find((v) => v.precision === 'fp32')!;
const path = () => `/models/${variant().files[0]!.url}`;

/** Sends the body in 256 KiB writes with a pause between, as a slow network would. */
function slowly(pauseMs = 2, alter?: (body: Buffer) => Buffer) {
  server.override(path(), (res, body) => {
    const sent = alter ? alter(Buffer.from(body)) : body;
    res.writeHead(200, { 'content-length': sent.length });
    let at = 0;
    const next = () => {
      if (at >= sent.length) return void res.end();
      res.write(sent.subarray(at, (at += 262_144)), () => setTimeout(next, pauseMs));
    };
    next();
    return true;
  });
}

/** The memory store, with every step of a chunked write logged (and how far the download was then). */
function logged(inner: ModelStore, log: string[], downloaded: () => number, refuse = false): ModelStore {
  return {
    ...inner,
    async begin(k, files) {
      const write = await inner.begin(k, files);
      log.push('begin');
      return {
        chunkBytes: write.chunkBytes,
        async put(f, c, bytes) {
          log.push(`put ${f}/${c} with ${downloaded()} downloaded`);
          if (refuse) throw new StorageFailedError('QuotaExceededError', {});
          await write.put(f, c, bytes);
        },
        async commit(spec) {
          log.push(`commit with ${downloaded()} downloaded`);
          await write.commit(spec);
        },
        async abort() {
          log.push('abort');
          await write.abort();
        },
      };
    },
  };
}

function args(store: ModelStore, progress: LoadProgress[], extra: Partial<FetchVariantArgs> = {}): FetchVariantArgs {
  const { versions: _v, policy: _p, ...spec } = manifest.models.find((m) => m.id === ID)!;
  return {
    key,
    spec,
    entries: variant().files,
    manifestUrl: `${server.url}/models/manifest.json`,
    store,
    storeName: 'test',
    progress: (p) => progress.push({ id: ID, ...p }),
    inUse: async () => false,
    estimate: async () => ({ quota: 10 ** 12, usage: 0 }),
    ...extra,
  };
}

const downloadedOf = (progress: LoadProgress[]) => () => progress.filter((p) => p.phase === 'download').at(-1)?.loaded ?? 0;

describe('fetchVariant: download → hash → store, chunk by chunk', () => {
  it('stores each chunk while the download is still running and writes the record last, after the hash', async () => {
    slowly();
    const progress: LoadProgress[] = [];
    const log: string[] = [];
    const memory = createMemoryStore();
    const fetched = await fetchVariant(args(logged(memory, log, downloadedOf(progress)), progress));
    server.override(path(), undefined);
    const total = variant().files[0]!.bytes;
    expect(fetched).toMatchObject({ stored: true, fromCache: false });
    expect(log[0]).toBe('begin');
    expect(log.slice(1, 4).map((l) => l.replace(/ with .*/, ''))).toEqual(['put 0/0', 'put 0/1', 'put 0/2']);
    // Chunks 0 and 1 went to the store before the last byte had arrived.
    for (const line of log.slice(1, 3)) expect(Number(/with (\d+)/.exec(line)![1])).toBeLessThan(total);
    expect(log.at(-1)).toBe(`commit with ${total} downloaded`);
    const stored = await memory.read(key);
    expect(Buffer.from(stored!.files[0]!).equals(Buffer.from(fetched.files[0]!.bytes))).toBe(true);
    // The engine gets the download's own buffer.
    expect(fetched.files[0]!.bytes.byteLength).toBe(total);
  });

  it('does not hold the download back for the store: every byte has arrived before the first write ends', async () => {
    const progress: LoadProgress[] = [];
    const seen: number[] = [];
    const memory = createMemoryStore();
    const fetched = await fetchVariant(args(slowStore(memory, { putMs: 500, log: (what) => what.startsWith('put') && seen.push(downloadedOf(progress)()) }), progress));
    expect(fetched).toMatchObject({ stored: true, fromCache: false });
    // A store 500 ms a chunk, far slower than the loopback: held back, the download would stop
    // at the end of chunk 1 (8 MiB) until chunk 0 is written.
    expect(seen[0]).toBe(variant().files[0]!.bytes);
  });

  // That the download lock is held until the record is written (a second load waits, then reads
  // the copy) needs Web Locks, which Node lacks: e2e/package-background-store.spec.ts.
  it('hands a download over before it is stored when asked, and writes the record after', async () => {
    const log: string[] = [];
    const memory = createMemoryStore();
    const store = slowStore(memory, { putMs: 150, log: (what) => log.push(what) });
    const before = server.requests.length;
    const fetched = await fetchVariant(args(store, [], { storeInBackgroundFrom: 1 }));
    log.push('handed over');
    expect(fetched).toMatchObject({ fromCache: false, stored: false });
    expect(fetched.storing).toBeDefined();
    expect(await fetched.storing).toEqual({ stored: true });
    expect(log.indexOf('handed over')).toBeLessThan(log.indexOf('commit'));
    expect(await fetchVariant(args(store, []))).toMatchObject({ fromCache: true });
    expect(server.requests.slice(before).filter((r) => r.endsWith('.onnx'))).toHaveLength(1);
    const stored = await memory.read(key);
    expect(Buffer.from(stored!.files[0]!).equals(Buffer.from(fetched.files[0]!.bytes))).toBe(true);
  });

  it('says why a copy handed over was not kept, and keeps nothing, when the store refuses its record', async () => {
    const memory = createMemoryStore();
    const store = slowStore(memory, { putMs: 10, refuseCommit: true });
    const fetched = await fetchVariant(args(store, [], { storeInBackgroundFrom: 1 }));
    const outcome = await fetched.storing;
    expect(outcome?.stored).toBe(false);
    expect(outcome?.storeError).toMatch(/refused for the test.*running from memory/);
    expect(await memory.list()).toEqual([]);
  });

  it('writes no record and deletes the chunks when the bytes do not match their SHA-256', async () => {
    slowly(0, (body) => ((body[body.length - 1]! ^= 1), body));
    const progress: LoadProgress[] = [];
    const log: string[] = [];
    const memory = createMemoryStore();
    const error = await fetchVariant(args(logged(memory, log, downloadedOf(progress)), progress)).then(
      () => 'resolved',
      (e: unknown) => e,
    ); // not the result itself: a diff of 10 MB of bytes would never end
    server.override(path(), undefined);
    expect(error).toMatchObject({ code: 'INTEGRITY_MISMATCH' });
    expect(log.some((l) => l.startsWith('put'))).toBe(true);
    expect(log.some((l) => l.startsWith('commit'))).toBe(false);
    expect(log.at(-1)).toBe('abort');
    expect(await memory.list()).toEqual([]);
  });

  it('writes no record and deletes the chunks when the load is cancelled mid-download', async () => {
    slowly(5);
    const progress: LoadProgress[] = [];
    const log: string[] = [];
    const memory = createMemoryStore();
    const controller = new AbortController();
    const store = logged(memory, log, () => {
      if (log.length >= 2) controller.abort(); // after the first chunk reached the store
      return downloadedOf(progress)();
    });
    const error = await fetchVariant(args(store, progress, { signal: controller.signal })).then(
      () => 'resolved',
      (e: unknown) => e,
    ); // not the result itself: a diff of 10 MB of bytes would never end
    server.override(path(), undefined);
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(log.at(-1)).toBe('abort');
    expect(log.some((l) => l.startsWith('commit'))).toBe(false);
    expect(await memory.list()).toEqual([]);
  });

  it('says before the download that a model larger than the whole quota will not be stored, and writes nothing', async () => {
    const progress: LoadProgress[] = [];
    const log: string[] = [];
    const fetched = await fetchVariant(
      args(
        logged(createMemoryStore(), log, () => 0),
        progress,
        { estimate: async () => ({ quota: 4_000_000, usage: 0 }) },
      ),
    );
    expect(fetched).toMatchObject({ stored: false, evicted: [] });
    expect(fetched.storeError).toMatch(/model \(10822323 bytes\) is larger than this origin's storage quota \(4000000 bytes\); running from memory/);
    expect(log).toEqual([]);
    expect(progress.find((p) => p.phase === 'download')?.notStored).toBe(fetched.storeError);
  });

  it('runs from memory when the store refuses chunks even after evicting, deleting what it wrote', async () => {
    const progress: LoadProgress[] = [];
    const log: string[] = [];
    const fetched = await fetchVariant(
      args(
        logged(createMemoryStore(), log, () => 0, true),
        progress,
      ),
    );
    expect(fetched).toMatchObject({ stored: false, fromCache: false });
    expect(fetched.storeError).toMatch(/QuotaExceededError.*memory/);
    expect(fetched.files[0]!.bytes.byteLength).toBe(variant().files[0]!.bytes);
    expect(log.filter((l) => l.startsWith('put'))).toHaveLength(2); // the first chunk, and its retry after eviction
    expect(log.at(-1)).toBe('abort');
  });

  it('reads a stored copy back with verify progress, and sends at most ~20 progress messages a second', async () => {
    slowly(1);
    const memory = createMemoryStore();
    const first: LoadProgress[] = [];
    const started = performance.now();
    await fetchVariant(args(memory, first));
    const seconds = (performance.now() - started) / 1000;
    server.override(path(), undefined);
    const phases = new Set(first.map((p) => p.phase));
    // 43 network writes of 256 KiB: throttled to one message per 50 ms, plus each phase's first and last.
    expect(first.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 2 * phases.size);
    expect(first.filter((p) => p.phase === 'download').at(-1)).toMatchObject({ loaded: variant().files[0]!.bytes });
    expect(first.at(-1)).toMatchObject({ phase: 'store', loaded: variant().files[0]!.bytes });
    const again: LoadProgress[] = [];
    expect(await fetchVariant(args(memory, again))).toMatchObject({ fromCache: true });
    expect(again.map((p) => p.phase)).toEqual(['cache', 'verify']);
  });
});
