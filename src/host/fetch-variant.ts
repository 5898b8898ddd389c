/**
 * Getting a variant's bytes: from the store when it has a sound copy, else downloaded and
 * stored chunk by chunk as it arrives (the download hashes as it goes; the store's record is
 * written only once the SHA-256 matched, and a failed download deletes its chunks). Two tabs
 * asking for the same variant take turns under a Web Lock, so the second finds it stored
 * instead of downloading it again. Room is made before the download by evicting
 * least-recently-used models not in use; a chunk the store refuses (the estimate was stale) gets
 * one more eviction and retry. A store that still cannot take the model does not fail the
 * load: its chunks are deleted, the download goes on into memory, and `stored: false` says so.
 *
 * A model larger than the origin's whole storage quota is known before the download: nothing is
 * evicted or written for it, the first download progress says it will not be stored
 * (`notStored`), and it runs from memory. Decision: it is not refused, because the quota bounds
 * the disk, not what the device can run — a private window's quota is small and the model may
 * still open — and whether it can open is the backend-memory check's to say, before the
 * download, with its own typed error. The cost is a download on every visit, which `stored:
 * false` and `storeError` tell the app.
 *
 * A stored copy is used only if its record and bytes are sound (the store checks) and its
 * SHA-256 equals the manifest's for this version and variant: a copy whose bytes and stored
 * hash were rewritten together passes the store's own check but not this one. Either way it is
 * deleted, downloaded again, and the reason is kept in `repaired`.
 */
import type { ModelFile } from '../engines/engine.js';
import { AbortedError, EdgeServeError, StorageFailedError } from '../errors.js';
import type { FileEntry, ModelSpec } from '../manifest/schema.js';
import type { CachedModel, LoadProgress } from '../protocol.js';
import { downloadFile, type ChunkSink, type FetchLike } from '../net/download.js';
import { exclusive } from '../locks/web-locks.js';
import type { EntryKey, ModelStore, ModelWrite } from '../store/model-store.js';
import { entryName, makeRoom, type Estimate } from '../store/eviction.js';
import { throttleProgress } from './progress-throttle.js';

export interface FetchedVariant {
  files: ModelFile[];
  spec: ModelSpec;
  fromCache: boolean;
  stored: boolean;
  storeError?: string;
  evicted: string[];
  bytesDownloaded: number;
  /** The SHA-256 of each file (the manifest's for a download; the stored ones for a stored copy). */
  sha256: string[];
  /** Stored copies found damaged on the way, deleted and downloaded again: why. */
  repaired: string[];
  /**
   * Set when the download is handed over before the store has finished writing it (a model of
   * `storeInBackgroundFrom` bytes or more): `stored` is false until then, and this settles (never
   * rejects) with what the store made of it.
   */
  storing?: Promise<StoreOutcome>;
}

/** What became of a download's copy: kept, or why not (the model runs from memory this session). */
export interface StoreOutcome {
  stored: boolean;
  storeError?: string;
}

/**
 * From this many bytes a cold download is served as soon as it is verified and stored in the
 * background. Why: the store's writes bound a big model's cold load — Chromium moves every byte
 * from the worker's process to the browser's for IndexedDB, which at 256 MB took longer than the
 * download and the session together on the 2-core test VM (docs/scale-benchmark.md) — while a
 * small model's writes end within milliseconds of its download, so it keeps the simpler
 * contract (stored when loaded). The cost, for a big model only: a page closed before its
 * writes finish keeps no copy, and the next visit downloads it again.
 */
export const STORE_IN_BACKGROUND_FROM = 64 * 1024 * 1024;

export interface FetchVariantArgs {
  key: EntryKey;
  spec: ModelSpec;
  entries: FileEntry[];
  manifestUrl: string;
  store: ModelStore;
  storeName: string;
  progress: (p: Omit<LoadProgress, 'id'>) => void;
  inUse: (entry: CachedModel) => Promise<boolean>;
  fetchImpl?: FetchLike;
  estimate?: Estimate;
  signal?: AbortSignal;
  /** See downloadFile: a download receiving nothing this long fails. */
  stallMs?: number;
  /** A download of this many bytes or more is handed over before it is stored (`storing`); default never. */
  storeInBackgroundFrom?: number;
}

async function fromStore(args: FetchVariantArgs, urls: string[], repaired: string[], progress: FetchVariantArgs['progress']): Promise<FetchedVariant | undefined> {
  const cached = await args.store.read(
    args.key,
    (reason) => repaired.push(reason),
    (checked, total) => progress({ phase: 'verify', loaded: checked, total }),
  );
  if (!cached) return undefined;
  const listed = args.entries.map((f) => f.sha256);
  if (cached.sha256.length !== listed.length || cached.sha256.some((sha, i) => sha !== listed[i])) {
    await args.store.remove(args.key);
    repaired.push(`stored SHA-256 of ${args.key.id} ${args.key.version} ${args.key.precision} is not the manifest's`);
    return undefined;
  }
  return {
    files: cached.files.map((bytes, i) => ({ url: urls[i]!, bytes })),
    spec: cached.spec,
    fromCache: true,
    stored: true,
    evicted: [],
    bytesDownloaded: 0,
    sha256: listed,
    repaired,
  };
}

const message = (error: unknown) => (error instanceof EdgeServeError || error instanceof Error ? error.message : String(error));

/**
 * Where downloaded chunks go: the store while it takes them; after a refusal that one more
 * eviction does not cure, nowhere (the chunks written are deleted and the download carries on
 * into memory).
 *
 * Writes trail the download, one at a time, in order: a chunk is handed over as a view of the
 * download's buffer, which holds the whole file anyway, so holding the network back for the
 * store saved no memory — it only held the download back to IndexedDB's pace (at 256 MB on the
 * test VM, the download ended at 9–10 s held back, 4–5 s not). `drained()` is where the caller
 * waits for them: before the record is committed, or before a failed download's chunks are
 * deleted. A restarted download hands its chunks over again and they are written again, after,
 * so the last write of each chunk is the verified file's.
 */
class StoringSinks {
  error: string | undefined;
  stored = 0;
  private writes: Promise<void> = Promise.resolve();
  constructor(
    private readonly write: ModelWrite | undefined,
    private readonly evictAll: () => Promise<void>,
  ) {}

  get storing(): boolean {
    return this.write !== undefined && this.error === undefined;
  }

  /** Resolves once every chunk handed over so far is written, or the store gave up on them. */
  drained(): Promise<void> {
    return this.writes;
  }

  forFile(f: number): ChunkSink | undefined {
    const write = this.write;
    if (!write) return undefined;
    const put = async (index: number, bytes: Uint8Array) => {
      if (!this.storing) return;
      try {
        await write.put(f, index, bytes).catch(async (error: unknown) => {
          if (!(error instanceof StorageFailedError)) throw error;
          await this.evictAll(); // the estimate can be stale; a refused write is the real answer
          await write.put(f, index, bytes);
        });
        this.stored += bytes.byteLength;
      } catch (error) {
        this.error = message(error);
        await write.abort();
      }
    };
    return {
      chunkBytes: write.chunkBytes,
      onChunk: (index, bytes) => {
        this.writes = this.writes.then(() => put(index, bytes));
        return Promise.resolve();
      },
    };
  }
}

export async function fetchVariant(args: FetchVariantArgs, repaired: string[] = []): Promise<FetchedVariant> {
  const total = args.entries.reduce((n, f) => n + f.bytes, 0);
  const urls = args.entries.map((f) => new URL(f.url, args.manifestUrl).href);
  const progress = throttleProgress(args.progress);
  try {
    progress({ phase: 'cache', loaded: 0, total });
    const hit = await fromStore(args, urls, repaired, progress);
    if (hit) return hit;
    // Another tab may hold this lock for the whole of a long download: an aborted load stops waiting at once.
    const aborted = () => new AbortedError(`load of ${args.key.id} was cancelled while another tab downloaded it; nothing was stored`, { id: args.key.id });
    // A copy stored in the background is handed over at once, but the lock is held until its
    // writes end: a load of it meanwhile (this tab or another) waits and then finds it stored.
    let handOver: (fetched: FetchedVariant) => void = () => undefined;
    const handedOver = new Promise<FetchedVariant>((resolve) => (handOver = resolve));
    const locked = exclusive(
      `edgeserve-download:${args.storeName}:${entryName(args.key)}`,
      async () => {
        const fetched = await downloadAndStore(args, urls, total, repaired, progress);
        if (fetched.storing) {
          handOver(fetched);
          await fetched.storing;
        }
        return fetched;
      },
      args.signal,
      aborted,
    );
    locked.catch(() => undefined); // a failure after the hand-over has nobody to tell; before it, the race below rethrows it
    return await Promise.race([handedOver, locked]);
  } finally {
    progress.flush();
  }
}

async function downloadAndStore(args: FetchVariantArgs, urls: string[], total: number, repaired: string[], progress: FetchVariantArgs['progress']): Promise<FetchedVariant> {
  // Another tab may have stored it while we waited for the lock.
  const stored = await fromStore(args, urls, repaired, progress);
  if (stored) return stored;

  // Room before the download, so its chunks can be written as they arrive.
  const room = await makeRoom(args.store, total, args.inUse, args.estimate);
  const evicted = [...room.evicted];
  const evictAll = async () => void evicted.push(...(await makeRoom(args.store, total, args.inUse, args.estimate, true)).evicted);
  let write: ModelWrite | undefined;
  let storeError: string | undefined;
  if (room.hopeless) {
    storeError = `the model (${total} bytes) is larger than this origin's storage quota (${room.quota} bytes); running from memory this session, downloaded again on the next`;
  } else {
    if (!room.fits) await evictAll();
    try {
      write = await args.store.begin(
        args.key,
        args.entries.map((entry, i) => ({ url: urls[i]!, sha256: entry.sha256, bytes: entry.bytes })),
      );
    } catch (error) {
      storeError = `${message(error)}; running from memory this session`;
    }
  }
  const sinks = new StoringSinks(write, evictAll);
  let committed = false;
  /** The write went on to `storing`, which commits or aborts it itself. */
  let handedOff = false;
  try {
    const files: ModelFile[] = [];
    let before = 0;
    for (const [i, entry] of args.entries.entries()) {
      const url = urls[i]!;
      const sink = sinks.forFile(i);
      const bytes = await downloadFile(
        url,
        entry,
        (received) => progress({ phase: 'download', loaded: before + received, total, file: url, ...(storeError ? { notStored: storeError } : {}) }),
        args.fetchImpl,
        {
          ...(args.signal ? { signal: args.signal } : {}),
          ...(args.stallMs !== undefined ? { stallMs: args.stallMs } : {}),
          ...(sink ? { sink } : {}),
        },
      );
      files.push({ url, bytes });
      before += entry.bytes;
    }
    const result = { files, spec: args.spec, fromCache: false, bytesDownloaded: total, sha256: args.entries.map((f) => f.sha256), repaired, evicted };
    if (!write || !sinks.storing) return { ...result, stored: false, storeError: storeError ?? `${sinks.error}; running from memory this session` };
    const writing = write;
    // Every byte passed its SHA-256 (downloadFile resolved): only once every chunk is written may the record be.
    const finish = async (): Promise<StoreOutcome> => {
      await sinks.drained();
      if (!sinks.storing) return { stored: false, storeError: `${sinks.error}; running from memory this session` };
      try {
        await writing.commit(args.spec);
        committed = true;
        return { stored: true };
      } catch (error) {
        return { stored: false, storeError: `${message(error)}; running from memory this session` };
      } finally {
        if (!committed) await writing.abort();
      }
    };
    progress({ phase: 'store', loaded: sinks.stored, total });
    if (total >= (args.storeInBackgroundFrom ?? Number.POSITIVE_INFINITY)) {
      handedOff = true;
      return { ...result, stored: false, storing: finish() };
    }
    const outcome = await finish();
    if (outcome.stored) progress({ phase: 'store', loaded: total, total });
    return { ...result, ...outcome };
  } finally {
    // The chunks of a failed, cancelled or mismatched download go, once the writes handed over settled.
    if (!committed && !handedOff) {
      await sinks.drained();
      await write?.abort();
    }
  }
}
