/**
 * The model store: verified model bytes in IndexedDB (through idb-keyval), cut into chunks so
 * a 100 MB model is never one giant structured clone. An entry and all its chunks are written
 * in one IndexedDB transaction (`setMany`), so a failure — quota, a closed tab — stores
 * nothing. A read is one transaction too (record, chunks, lastUsedAt), so an eviction in
 * another tab cannot fall between its steps; the record is checked against the store's schema
 * (entry-schema.ts) and every file against its SHA-256 (verify-on-read.ts). Anything that fails
 * is deleted — record and chunks in one transaction — reported through `onRepair`, and read as
 * a miss, so the caller downloads it again.
 */
import { createStore, getMany, keys, promisifyRequest, type UseStore } from 'idb-keyval';
import { StorageFailedError } from '../errors.js';
import type { ModelSpec, Precision } from '../manifest/schema.js';
import type { CachedModel } from '../protocol.js';
import { checkEntry, ENTRY_SCHEMA, type EntryCheck, type StoredEntry, type StoredFile } from './entry-schema.js';
import { CHUNK_BYTES, chunksFor } from './limits.js';
import { verifyOnRead } from './verify-on-read.js';

export type { StoredEntry, StoredFile } from './entry-schema.js';

export interface StoredModel {
  files: Uint8Array[];
  /** Where each file was downloaded from (absolute URLs): an engine names external data files by them. */
  urls: string[];
  /** The SHA-256 each file was verified against on this read (the one stored with it). */
  sha256: string[];
  spec: ModelSpec;
}

export interface EntryKey {
  id: string;
  version: string;
  precision: Precision;
}

const ENTRY_PREFIX = 'entry/';
const entryKey = (k: EntryKey) => `${ENTRY_PREFIX}${k.id}/${k.version}/${k.precision}`;
const chunkPrefix = (k: EntryKey) => `chunk/${k.id}/${k.version}/${k.precision}/`;
const chunkKey = (k: EntryKey, file: number, chunk: number) => `${chunkPrefix(k)}${file}/${chunk}`;
/** Every chunk of an entry, whatever its record says (or when it says nothing sensible). */
const chunkRange = (k: EntryKey) => IDBKeyRange.bound(chunkPrefix(k), `${chunkPrefix(k)}\uffff`);

/** The key an entry record is stored under, read back even when the record itself is damaged. */
function keyOfEntryKey(key: string): EntryKey | undefined {
  const parts = key.slice(ENTRY_PREFIX.length).split('/');
  if (parts.length < 3) return undefined;
  const precision = parts.pop() as Precision;
  const version = parts.pop()!;
  return { id: parts.join('/'), version, precision };
}

function chunkKeys(entry: StoredEntry): string[] {
  return entry.files.flatMap((file, f) => Array.from({ length: file.chunks }, (_, c) => chunkKey(entry, f, c)));
}

type RawRead = { kind: 'absent' } | { kind: 'invalid'; reason: string } | { kind: 'found'; entry: StoredEntry; chunks: unknown[] };

/**
 * One readwrite transaction: the record; if it is invalid, its deletion with every chunk; else
 * its chunks and the lastUsedAt update. The update is best effort (quota): its failure is
 * swallowed, and the read resolves as soon as the chunks are in.
 */
function readInOneTransaction(idb: UseStore, key: EntryKey, at: number): Promise<RawRead> {
  return idb('readwrite', (store) => new Promise<RawRead>((resolve, reject) => {
    const tx = store.transaction;
    const record = store.get(entryKey(key));
    record.onerror = () => reject(record.error);
    record.onsuccess = () => {
      if (record.result === undefined) return resolve({ kind: 'absent' });
      const check: EntryCheck = checkEntry(record.result, key);
      if (!check.ok) {
        store.delete(entryKey(key));
        store.delete(chunkRange(key));
        tx.oncomplete = () => resolve({ kind: 'invalid', reason: check.reason });
        tx.onabort = () => reject(tx.error);
        return;
      }
      const wanted = chunkKeys(check.entry);
      const chunks: unknown[] = new Array(wanted.length);
      let pending = wanted.length;
      wanted.forEach((k, i) => {
        const request = store.get(k);
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          chunks[i] = request.result;
          if (--pending > 0) return;
          const touch = store.put({ ...check.entry, lastUsedAt: at }, entryKey(key));
          touch.onerror = (event) => event.preventDefault();
          resolve({ kind: 'found', entry: check.entry, chunks });
        };
      });
    };
  }));
}

export interface ModelStore {
  /**
   * The verified model, or undefined for a miss. A record or bytes found damaged are deleted
   * and their reason passed to `onRepair`: the caller downloads again and can say why.
   */
  read(key: EntryKey, onRepair?: (reason: string) => void): Promise<StoredModel | undefined>;
  /** All files and the entry in one transaction: all stored, or nothing. */
  write(key: EntryKey, files: { url: string; sha256: string; bytes: Uint8Array }[], spec: ModelSpec): Promise<void>;
  list(): Promise<CachedModel[]>;
  remove(filter?: Partial<EntryKey>): Promise<number>;
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
  /** Every entry record with the key it is stored under; damaged records come back as their reason. */
  async function entries(): Promise<{ key: EntryKey; check: EntryCheck }[]> {
    return guarded('list its models', async () => {
      const entryKeys = (await keys<string>(idb)).filter((k) => k.startsWith(ENTRY_PREFIX));
      const records = await getMany<unknown>(entryKeys, idb);
      return entryKeys.flatMap((k, i) => {
        const key = keyOfEntryKey(k);
        return key && records[i] !== undefined ? [{ key, check: checkEntry(records[i], key) }] : [];
      });
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

  return {
    async read(key, onRepair) {
      const raw = await guarded('read a model', () => readInOneTransaction(idb, key, now()));
      if (raw.kind === 'absent') return undefined;
      if (raw.kind === 'invalid') {
        onRepair?.(raw.reason);
        return undefined;
      }
      const verified = await verifyOnRead(raw.entry, raw.chunks);
      if (!verified.ok) {
        await removeKeys([key]);
        onRepair?.(verified.reason);
        return undefined;
      }
      return { files: verified.files, urls: raw.entry.files.map((f) => f.url), sha256: raw.entry.files.map((f) => f.sha256), spec: raw.entry.spec };
    },

    async write(key, files, spec) {
      const stored: StoredFile[] = [];
      const puts: [string, unknown][] = [];
      files.forEach((file, f) => {
        const count = chunksFor(file.bytes.byteLength);
        for (let c = 0; c < count; c++) {
          // slice() copies into its own ArrayBuffer, so each put clones only its chunk.
          puts.push([chunkKey(key, f, c), file.bytes.slice(c * CHUNK_BYTES, (c + 1) * CHUNK_BYTES).buffer]);
        }
        stored.push({ url: file.url, sha256: file.sha256, bytes: file.bytes.byteLength, chunks: count });
      });
      const at = now();
      const entry: StoredEntry = {
        schema: ENTRY_SCHEMA,
        ...key,
        bytes: stored.reduce((n, f) => n + f.bytes, 0),
        storedAt: at,
        lastUsedAt: at,
        files: stored,
        spec,
      };
      puts.push([entryKey(key), entry]);
      try {
        // Chunks of an older, damaged copy under the same key must not outlive this write.
        await idb('readwrite', (store) => {
          store.delete(chunkRange(key));
          for (const [k, value] of puts) store.put(value, k);
          return promisifyRequest(store.transaction);
        });
      } catch (error) {
        const name = error instanceof DOMException ? error.name : '';
        throw new StorageFailedError(`could not store ${key.id} ${key.version} ${key.precision} (${name || String(error)}); nothing was written`, {
          ...key,
          quotaExceeded: name === 'QuotaExceededError',
        });
      }
    },

    async list() {
      const all = await entries();
      // A damaged record is not a model: drop it here (best effort) rather than count its bytes.
      const damaged = all.filter((e) => !e.check.ok).map((e) => e.key);
      if (damaged.length > 0) await removeKeys(damaged).catch(() => undefined);
      return all.flatMap(({ check }) => {
        if (!check.ok) return [];
        const { files: _files, spec: _spec, schema: _schema, ...rest } = check.entry;
        return [rest];
      });
    },

    async remove(filter = {}) {
      const matching = (await entries())
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
}
