/**
 * The model store: verified model bytes in IndexedDB (through idb-keyval), cut into chunks of
 * CHUNK_BYTES so no put or get is ever a whole model's structured clone.
 *
 * Writing (chunked-write.ts): a download's chunks are stored as they arrive, each in its own
 * transaction, and the entry record is written last, in its own transaction, only after the
 * caller verified the whole file's SHA-256 and only if every chunk is there — a record exists
 * only for complete, verified bytes. A failed, cancelled or mismatched download deletes its
 * chunks; chunks a closed tab left behind are deleted by the next write of that entry or by the
 * sweep in `list()`.
 *
 * Reading (chunked-read.ts): the record first (checked against the store's schema,
 * entry-schema.ts; lastUsedAt touched), then the chunks in batches straight into one buffer per
 * file while they are hashed (verify-on-read.ts). Damaged bytes are deleted — record and chunks
 * in one transaction — reported through `onRepair`, and read as a miss, so the caller
 * downloads again; an eviction in another tab during the read is a plain miss (why it cannot
 * tear a read: chunked-read.ts).
 */
import { createStore, getMany, keys, promisifyRequest, type UseStore } from 'idb-keyval';
import { StorageFailedError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { CachedModel } from '../protocol.js';
import { readChunked, type ReadProgress } from './chunked-read.js';
import { beginWrite, type ModelWrite, type WriteFile } from './chunked-write.js';
import { checkEntry, type EntryCheck } from './entry-schema.js';
import { CHUNK_PREFIX, chunkRange, ENTRY_PREFIX, entryKey, keyOfChunkKey, keyOfEntryKey, type EntryKey } from './entry-keys.js';
import { unlessWriting, writeLockName } from './write-lock.js';

export type { StoredEntry, StoredFile } from './entry-schema.js';
export type { EntryKey } from './entry-keys.js';
export type { ModelWrite, WriteFile } from './chunked-write.js';
export type { ReadProgress } from './chunked-read.js';

export interface StoredModel {
  files: Uint8Array[];
  /** Where each file was downloaded from (absolute URLs): an engine names external data files by them. */
  urls: string[];
  /** The SHA-256 each file was verified against on this read (the one stored with it). */
  sha256: string[];
  spec: ModelSpec;
}

export interface ModelStore {
  /**
   * The verified model, or undefined for a miss. A record or bytes found damaged are deleted
   * and their reason passed to `onRepair`: the caller downloads again and can say why.
   * `onProgress` follows the check (bytes read and hashed of all files).
   */
  read(key: EntryKey, onRepair?: (reason: string) => void, onProgress?: ReadProgress): Promise<StoredModel | undefined>;
  /**
   * Starts writing a model chunk by chunk (chunked-write.ts): put each chunk as it arrives,
   * then commit once its bytes are verified, or abort. Until commit nothing can be read.
   */
  begin(key: EntryKey, files: readonly WriteFile[]): Promise<ModelWrite>;
  /** Whole files at once (begin, every chunk, commit): all stored, or nothing. */
  write(key: EntryKey, files: { url: string; sha256: string; bytes: Uint8Array }[], spec: ModelSpec): Promise<void>;
  list(): Promise<CachedModel[]>;
  remove(filter?: Partial<EntryKey>): Promise<number>;
}

/** begin, put every chunk of each file, commit; abort on any failure. */
export async function writeWhole(store: Pick<ModelStore, 'begin'>, key: EntryKey, files: { url: string; sha256: string; bytes: Uint8Array }[], spec: ModelSpec): Promise<void> {
  const write = await store.begin(
    key,
    files.map((f) => ({ url: f.url, sha256: f.sha256, bytes: f.bytes.byteLength })),
  );
  try {
    for (const [f, file] of files.entries()) {
      const count = Math.max(1, Math.ceil(file.bytes.byteLength / write.chunkBytes));
      for (let c = 0; c < count; c++) await write.put(f, c, file.bytes.subarray(c * write.chunkBytes, (c + 1) * write.chunkBytes));
    }
    await write.commit(spec);
  } catch (error) {
    await write.abort();
    throw error;
  }
}

/**
 * IndexedDB fails with bare DOMExceptions, and Chromium's QuotaExceededError from an aborted
 * transaction has an empty message: name the operation and the DOMException's name instead.
 */
async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StorageFailedError) throw error;
    const name = error instanceof DOMException || error instanceof Error ? error.name : '';
    const message = error instanceof Error && error.message ? `: ${error.message}` : '';
    throw new StorageFailedError(`the model store could not ${what} (${name || 'error'}${message})`, { quotaExceeded: name === 'QuotaExceededError' });
  }
}

export function openModelStore(dbName = 'edgeserve', idb: UseStore = createStore(dbName, 'models'), now: () => number = Date.now): ModelStore {
  /** Every entry record with the key it is stored under; damaged records come back as their reason. Also: entries with chunks but no record. */
  async function entries(): Promise<{ records: { key: EntryKey; check: EntryCheck }[]; orphans: EntryKey[] }> {
    return guarded('list its models', async () => {
      const all = await keys<string>(idb);
      const entryKeys = all.filter((k) => k.startsWith(ENTRY_PREFIX));
      const records = await getMany<unknown>(entryKeys, idb);
      const listed = entryKeys.flatMap((k, i) => {
        const key = keyOfEntryKey(k);
        return key && records[i] !== undefined ? [{ key, check: checkEntry(records[i], key) }] : [];
      });
      const withRecord = new Set(entryKeys);
      const orphans = new Map<string, EntryKey>();
      for (const k of all) {
        if (typeof k !== 'string' || !k.startsWith(CHUNK_PREFIX)) continue;
        const key = keyOfChunkKey(k);
        if (key && !withRecord.has(entryKey(key))) orphans.set(entryKey(key), key);
      }
      return { records: listed, orphans: [...orphans.values()] };
    });
  }

  /** Record and every chunk of each key, in one transaction. */
  async function removeKeys(list: EntryKey[]): Promise<void> {
    if (list.length === 0) return;
    await guarded('delete a model', () =>
      idb('readwrite', (store) => {
        for (const key of list) {
          store.delete(entryKey(key));
          store.delete(chunkRange(key));
        }
        return promisifyRequest(store.transaction);
      }),
    );
  }

  /**
   * Chunks without a record whose write lock no one holds: left by a tab closed mid-download.
   * Deleted holding that lock, and only if the record is still absent, so a write starting
   * meanwhile is never touched. Best effort.
   */
  async function sweep(orphans: EntryKey[]): Promise<void> {
    for (const key of orphans) {
      await unlessWriting(writeLockName(dbName, entryKey(key)), () =>
        idb('readwrite', (store) => {
          const record = store.get(entryKey(key));
          record.onsuccess = () => {
            if (record.result === undefined) store.delete(chunkRange(key));
          };
          return promisifyRequest(store.transaction);
        }),
      ).catch(() => undefined);
    }
  }

  const store: ModelStore = {
    async read(key, onRepair, onProgress) {
      const read = await guarded('read a model', () => readChunked(idb, key, now(), onProgress));
      if (read.kind === 'repaired') onRepair?.(read.reason);
      if (read.kind !== 'found') return undefined;
      return { files: read.files, urls: read.entry.files.map((f) => f.url), sha256: read.entry.files.map((f) => f.sha256), spec: read.entry.spec };
    },

    begin: (key, files) => beginWrite(idb, dbName, key, files, now),
    write: (key, files, spec) => writeWhole(store, key, files, spec),

    async list() {
      const { records, orphans } = await entries();
      // A damaged record is not a model: drop it here (best effort) rather than count its bytes.
      const damaged = records.filter((e) => !e.check.ok).map((e) => e.key);
      if (damaged.length > 0) await removeKeys(damaged).catch(() => undefined);
      await sweep(orphans);
      return records.flatMap(({ check }) => {
        if (!check.ok) return [];
        const { files: _files, spec: _spec, schema: _schema, ...rest } = check.entry;
        return [rest];
      });
    },

    async remove(filter = {}) {
      const matching = (await entries()).records
        .map((e) => e.key)
        .filter(
          (k) =>
            (filter.id === undefined || k.id === filter.id) &&
            (filter.version === undefined || k.version === filter.version) &&
            (filter.precision === undefined || k.precision === filter.precision),
        );
      await removeKeys(matching);
      return matching.length;
    },
  };
  return store;
}
