/**
 * Getting a variant's bytes: from the store when it has a sound copy, else downloaded (with
 * progress and SHA-256 checks) and then stored in one transaction. Two tabs asking for the same
 * variant take turns under a Web Lock, so the second finds it stored instead of downloading it
 * again. Before storing, room is made by evicting least-recently-used models not in use; a
 * store that still cannot take the model does not fail the load — it runs from memory, and
 * `stored: false` says so.
 *
 * A stored copy is used only if its record and bytes are sound (the store checks) and its
 * SHA-256 equals the manifest's for this version and variant: a copy whose bytes and stored
 * hash were rewritten together passes the store's own check but not this one. Either way it is
 * deleted, downloaded again, and the reason is kept in `repaired`.
 */
import type { ModelFile } from '../engines/engine.js';
import { EdgeServeError, StorageFailedError } from '../errors.js';
import type { FileEntry, ModelSpec } from '../manifest/schema.js';
import type { CachedModel, LoadProgress } from '../protocol.js';
import { downloadFile, type FetchLike } from '../net/download.js';
import { exclusive } from '../locks/web-locks.js';
import type { EntryKey, ModelStore } from '../store/model-store.js';
import { entryName, makeRoom, type Estimate } from '../store/storage-manager.js';

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
}

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
}

async function fromStore(args: FetchVariantArgs, urls: string[], repaired: string[]): Promise<FetchedVariant | undefined> {
  const cached = await args.store.read(args.key, (reason) => repaired.push(reason));
  if (!cached) return undefined;
  const listed = args.entries.map((f) => f.sha256);
  if (cached.sha256.length !== listed.length || cached.sha256.some((sha, i) => sha !== listed[i])) {
    await args.store.remove(args.key);
    repaired.push(`stored SHA-256 of ${args.key.id} ${args.key.version} ${args.key.precision} is not the manifest's`);
    return undefined;
  }
  return { files: cached.files.map((bytes, i) => ({ url: urls[i]!, bytes })), spec: cached.spec, fromCache: true, stored: true, evicted: [], bytesDownloaded: 0, sha256: listed, repaired };
}

export async function fetchVariant(args: FetchVariantArgs, repaired: string[] = []): Promise<FetchedVariant> {
  const total = args.entries.reduce((n, f) => n + f.bytes, 0);
  const urls = args.entries.map((f) => new URL(f.url, args.manifestUrl).href);
  args.progress({ phase: 'cache', loaded: 0, total });
  const hit = await fromStore(args, urls, repaired);
  if (hit) return hit;

  return exclusive(`edgeserve-download:${args.storeName}:${entryName(args.key)}`, async () => {
    // Another tab may have stored it while we waited for the lock.
    const stored = await fromStore(args, urls, repaired);
    if (stored) return stored;

    const files: ModelFile[] = [];
    let before = 0;
    for (const [i, entry] of args.entries.entries()) {
      const url = urls[i]!;
      const bytes = await downloadFile(url, entry, (received) => args.progress({ phase: 'download', loaded: before + received, total, file: url }), args.fetchImpl, {
        ...(args.signal ? { signal: args.signal } : {}),
        ...(args.stallMs !== undefined ? { stallMs: args.stallMs } : {}),
      });
      files.push({ url, bytes });
      before += entry.bytes;
    }
    args.progress({ phase: 'store', loaded: total, total });
    const toStore = files.map((f, i) => ({ url: f.url, sha256: args.entries[i]!.sha256, bytes: f.bytes }));
    const result = { files, spec: args.spec, fromCache: false, bytesDownloaded: total, sha256: args.entries.map((f) => f.sha256), repaired };

    const room = await makeRoom(args.store, total, args.inUse, args.estimate);
    if (room.hopeless) {
      return { ...result, stored: false, storeError: `the model (${total} bytes) is larger than this origin's storage quota; running from memory this session`, evicted: [] };
    }
    const evicted = [...room.evicted];
    let lastError = 'the storage estimate says it does not fit';
    for (const force of room.fits ? [false, true] : [true]) {
      if (force) {
        // The estimate can be stale; a refused write is the real answer. Evict all that is not in use and try once more.
        evicted.push(...(await makeRoom(args.store, total, args.inUse, args.estimate, true)).evicted);
      }
      try {
        await args.store.write(args.key, toStore, args.spec);
        return { ...result, stored: true, evicted };
      } catch (error) {
        lastError = error instanceof EdgeServeError ? error.message : String(error);
        if (!(error instanceof StorageFailedError)) break;
      }
    }
    return { ...result, stored: false, storeError: `${lastError}; running from memory this session`, evicted };
  });
}
