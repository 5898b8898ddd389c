/**
 * Writing a model chunk by chunk as it downloads: each chunk in its own transaction (a
 * CHUNK_BYTES structured clone, never the whole file), the entry record last, in its own
 * transaction, only when every chunk the record names is there. A reader finds a record only
 * for complete bytes; until then the chunks are invisible (a read starts from the record).
 *
 * The caller commits only bytes it has verified (fetch-variant.ts: after the download's
 * SHA-256 matched) and aborts otherwise, which deletes the chunks. A tab closed mid-write
 * leaves chunks without a record: the next write of that entry deletes them first, and the
 * store's sweep (model-store.ts) deletes them once no write holds the entry's lock.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { StorageFailedError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import { ENTRY_SCHEMA, type StoredEntry, type StoredFile } from './entry-schema.js';
import { chunkKey, chunkKeys, chunkRange, entryKey, type EntryKey } from './entry-keys.js';
import { CHUNK_BYTES, chunksFor, MAX_FILE_BYTES, MAX_FILES } from './limits.js';
import { holdWriteLock, writeLockName } from './write-lock.js';

export interface WriteFile {
  url: string;
  sha256: string;
  bytes: number;
}

export interface ModelWrite {
  readonly chunkBytes: number;
  /** Stores chunk `chunk` of file `file` (its exact bytes; copied) in its own transaction. */
  put(file: number, chunk: number, bytes: Uint8Array): Promise<void>;
  /** Writes the record; refuses (STORAGE_FAILED, nothing kept) unless every chunk is stored. */
  commit(spec: ModelSpec): Promise<void>;
  /** Deletes what was written. Safe to call at any point, twice, or after a failed commit. */
  abort(): Promise<void>;
}

/** The error a refused IndexedDB call becomes: the operation, the model, the DOMException's name. */
export function storeFailure(what: string, key: EntryKey, error: unknown): StorageFailedError {
  if (error instanceof StorageFailedError) return error;
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const message = error instanceof Error && error.message ? `: ${error.message}` : '';
  return new StorageFailedError(`could not ${what} ${key.id} ${key.version} ${key.precision} (${name || String(error)}${message}); nothing was kept`, {
    ...key,
    quotaExceeded: name === 'QuotaExceededError',
  });
}

export async function beginWrite(idb: UseStore, dbName: string, key: EntryKey, files: readonly WriteFile[], now: () => number): Promise<ModelWrite> {
  if (files.length === 0 || files.length > MAX_FILES) throw storeFailure('store', key, new RangeError(`${files.length} files is not 1 to ${MAX_FILES}`));
  const tooBig = files.find((f) => !Number.isSafeInteger(f.bytes) || f.bytes < 0 || f.bytes > MAX_FILE_BYTES);
  if (tooBig) throw storeFailure('store', key, new RangeError(`${tooBig.url} has ${tooBig.bytes} bytes, more than ${MAX_FILE_BYTES}`));
  const stored: StoredFile[] = files.map((f) => ({ url: f.url, sha256: f.sha256, bytes: f.bytes, chunks: chunksFor(f.bytes) }));
  const written = stored.map((f) => new Array<boolean>(f.chunks).fill(false));
  /**
   * The value a chunk is stored as: its own ArrayBuffer of exactly its bytes (the clone is of
   * the whole buffer a view sits on). Full chunks go through one buffer kept for the write:
   * put() clones its value before it returns, so the buffer is free again at once — called
   * in the same task as put(), so two puts in flight never share it. Why not a slice() each:
   * every slice is garbage once cloned, and V8 collects ArrayBuffers only once ~64 MiB of them
   * piled up. Writing 256 MB from a worker (Chromium 150, 3 runs each): +80–89 MB peak RSS with
   * a slice each, +17 MB with one buffer, and 2.1–2.5 s instead of 2.9–3.7 s.
   */
  let scratch: Uint8Array<ArrayBuffer> | undefined;
  const chunkValue = (bytes: Uint8Array): ArrayBuffer => {
    if (bytes.byteLength !== CHUNK_BYTES) return bytes.slice().buffer;
    scratch ??= new Uint8Array(CHUNK_BYTES);
    scratch.set(bytes);
    return scratch.buffer;
  };
  const release = await holdWriteLock(writeLockName(dbName, entryKey(key)));
  let state: 'open' | 'committed' | 'aborted' = 'open';
  const deleteAll = () =>
    idb('readwrite', (store) => {
      store.delete(entryKey(key));
      store.delete(chunkRange(key));
      return promisifyRequest(store.transaction);
    });
  try {
    // An older copy under this key, or orphans of a write cut short, must not mix with this one.
    await deleteAll();
  } catch (error) {
    release();
    throw storeFailure('make room for', key, error);
  }

  const abort = async () => {
    if (state !== 'open') return;
    state = 'aborted';
    try {
      await deleteAll();
    } catch {
      // Left as orphans: the next write of this entry or the store's sweep deletes them.
    } finally {
      release();
    }
  };

  return {
    chunkBytes: CHUNK_BYTES,
    async put(file, chunk, bytes) {
      if (state !== 'open') throw storeFailure('store', key, new Error(`the write was already ${state}`));
      const want = stored[file] && chunk < stored[file].chunks ? Math.min(CHUNK_BYTES, stored[file].bytes - chunk * CHUNK_BYTES) : -1;
      if (bytes.byteLength !== want) throw storeFailure('store', key, new RangeError(`chunk ${chunk} of file ${file} has ${bytes.byteLength} bytes, not ${want}`));
      try {
        await idb('readwrite', (store) => {
          store.put(chunkValue(bytes), chunkKey(key, file, chunk));
          return promisifyRequest(store.transaction);
        });
      } catch (error) {
        throw storeFailure('store', key, error);
      }
      written[file]![chunk] = true;
    },
    async commit(spec) {
      if (state !== 'open') throw storeFailure('store', key, new Error(`the write was already ${state}`));
      const missing = written.findIndex((file) => file.includes(false));
      if (missing !== -1) throw storeFailure('store', key, new Error(`file ${missing} is not fully written`));
      const at = now();
      const entry: StoredEntry = { schema: ENTRY_SCHEMA, ...key, bytes: stored.reduce((n, f) => n + f.bytes, 0), storedAt: at, lastUsedAt: at, files: stored, spec };
      const expected = new Set(chunkKeys(entry));
      try {
        // The chunks are checked in the record's own transaction: were any deleted under us
        // (devtools, a sweep that misjudged), no record is written for them.
        await idb(
          'readwrite',
          (store) =>
            new Promise<void>((resolve, reject) => {
              const tx = store.transaction;
              const present = store.getAllKeys(chunkRange(key));
              present.onsuccess = () => {
                const found = present.result as string[];
                if (found.length !== expected.size || !found.every((k) => expected.has(k))) {
                  tx.abort();
                  return reject(new Error(`${expected.size - found.filter((k) => expected.has(k)).length} chunks went missing while it was written`));
                }
                store.put(entry, entryKey(key));
              };
              tx.oncomplete = () => resolve();
              tx.onabort = () => reject(tx.error ?? new Error('aborted'));
            }),
        );
        state = 'committed';
        release();
      } catch (error) {
        await abort();
        throw storeFailure('store', key, error);
      }
    },
    abort,
  };
}
