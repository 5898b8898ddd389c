/**
 * The model store: verified model bytes in IndexedDB (through idb-keyval), cut into chunks so
 * a 100 MB model is never one giant structured clone. An entry and all its chunks are written
 * in one IndexedDB transaction (`setMany`), so a failure — quota, a closed tab — stores
 * nothing; on read every file is checked against its SHA-256 again, and a damaged entry is
 * deleted and treated as a miss.
 */
import { createStore, delMany, get, getMany, keys, set, setMany, type UseStore } from 'idb-keyval';
import { StorageFailedError } from '../errors.js';
import type { Cohort } from '../manifest/rollout.js';
import type { ModelSpec, Precision } from '../manifest/schema.js';
import type { CachedModel } from '../protocol.js';
import { sha256Hex } from './sha256.js';

/** 4 MiB: big enough that a 100 MB model is 25 puts, small enough to clone without a spike. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

export interface StoredFile {
  url: string;
  sha256: string;
  bytes: number;
  chunks: number;
}

export interface StoredEntry extends CachedModel {
  files: StoredFile[];
  /** The model's inputs, outputs and labels, so a cached model runs offline without the manifest. */
  spec: ModelSpec;
}

/** Which stored version a device serves for a model and precision; the store keeps these two. */
export interface VersionPointer {
  current: string;
  previous?: string;
  /** Versions rolled back from: never upgraded to again automatically. */
  rejected?: string[];
  /** The rollout cohort the current version was chosen in, if any. */
  cohort?: Cohort;
}

export interface StoredModel {
  files: Uint8Array[];
  spec: ModelSpec;
}

export interface EntryKey {
  id: string;
  version: string;
  precision: Precision;
}

const ENTRY_PREFIX = 'entry/';
const DEVICE_ID_KEY = 'device-id';
const pointerKey = (id: string, precision: Precision) => `pointer/${id}/${precision}`;
const entryKey = (k: EntryKey) => `${ENTRY_PREFIX}${k.id}/${k.version}/${k.precision}`;
const chunkKey = (k: EntryKey, file: number, chunk: number) => `chunk/${k.id}/${k.version}/${k.precision}/${file}/${chunk}`;

function chunkKeys(entry: StoredEntry): string[] {
  return entry.files.flatMap((file, f) => Array.from({ length: file.chunks }, (_, c) => chunkKey(entry, f, c)));
}

export interface ModelStore {
  read(key: EntryKey): Promise<StoredModel | undefined>;
  /** All files and the entry in one transaction: all stored, or nothing. */
  write(key: EntryKey, files: { url: string; sha256: string; bytes: Uint8Array }[], spec: ModelSpec): Promise<void>;
  list(): Promise<CachedModel[]>;
  remove(filter?: Partial<EntryKey>): Promise<number>;
  getPointer(id: string, precision: Precision): Promise<VersionPointer | undefined>;
  setPointer(id: string, precision: Precision, pointer: VersionPointer): Promise<void>;
  /** A random id made on first use and kept: the device's identity for rollout cohorts. */
  deviceId(): Promise<string>;
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
  // Used when the store cannot keep the id (quota, private mode): cohorts are then sticky for
  // this worker's life only, and loading never fails for want of a few bytes of metadata.
  let unsavedDeviceId: string | undefined;

  async function entries(): Promise<StoredEntry[]> {
    return guarded('list its models', async () => {
      const entryKeys = (await keys<string>(idb)).filter((k) => k.startsWith(ENTRY_PREFIX));
      return (await getMany<StoredEntry>(entryKeys, idb)).filter((e): e is StoredEntry => e !== undefined);
    });
  }

  async function removeEntries(list: StoredEntry[]): Promise<void> {
    if (list.length === 0) return;
    await guarded('delete a model', () => delMany(list.flatMap((e) => [entryKey(e), ...chunkKeys(e)]), idb));
  }

  return {
    async read(key) {
      const entry = await guarded('read a model', () => get<StoredEntry>(entryKey(key), idb));
      if (!entry) return undefined;
      const chunks = await guarded('read a model', () => getMany<ArrayBuffer>(chunkKeys(entry), idb));
      const files: Uint8Array[] = [];
      let next = 0;
      for (const file of entry.files) {
        const bytes = new Uint8Array(file.bytes);
        let offset = 0;
        for (let c = 0; c < file.chunks; c++) {
          const chunk = chunks[next++];
          if (!(chunk instanceof ArrayBuffer) || offset + chunk.byteLength > file.bytes) {
            await removeEntries([entry]);
            return undefined;
          }
          bytes.set(new Uint8Array(chunk), offset);
          offset += chunk.byteLength;
        }
        // Storage can be damaged under us (disk, extensions, devtools); never hand it to an engine.
        if (offset !== file.bytes || (await sha256Hex(bytes)) !== file.sha256) {
          await removeEntries([entry]);
          return undefined;
        }
        files.push(bytes);
      }
      // Best effort: a full store (quota) must not turn a good cached copy into a failed load.
      await set(entryKey(key), { ...entry, lastUsedAt: now() }, idb).catch(() => undefined);
      return { files, spec: entry.spec };
    },

    async write(key, files, spec) {
      const stored: StoredFile[] = [];
      const puts: [string, unknown][] = [];
      files.forEach((file, f) => {
        const count = Math.max(1, Math.ceil(file.bytes.byteLength / CHUNK_BYTES));
        for (let c = 0; c < count; c++) {
          // slice() copies into its own ArrayBuffer, so each put clones only its chunk.
          puts.push([chunkKey(key, f, c), file.bytes.slice(c * CHUNK_BYTES, (c + 1) * CHUNK_BYTES).buffer]);
        }
        stored.push({ url: file.url, sha256: file.sha256, bytes: file.bytes.byteLength, chunks: count });
      });
      const at = now();
      const entry: StoredEntry = {
        ...key,
        bytes: stored.reduce((n, f) => n + f.bytes, 0),
        storedAt: at,
        lastUsedAt: at,
        files: stored,
        spec,
      };
      puts.push([entryKey(key), entry]);
      try {
        await setMany(puts, idb);
      } catch (error) {
        const name = error instanceof DOMException ? error.name : '';
        throw new StorageFailedError(`could not store ${key.id} ${key.version} ${key.precision} (${name || String(error)}); nothing was written`, {
          ...key,
          quotaExceeded: name === 'QuotaExceededError',
        });
      }
    },

    async list() {
      return (await entries()).map(({ files: _files, spec: _spec, ...rest }) => rest);
    },

    async remove(filter = {}) {
      const matching = (await entries()).filter(
        (e) =>
          (filter.id === undefined || e.id === filter.id) &&
          (filter.version === undefined || e.version === filter.version) &&
          (filter.precision === undefined || e.precision === filter.precision),
      );
      await removeEntries(matching);
      return matching.length;
    },

    getPointer: (id, precision) => guarded('read a version pointer', () => get<VersionPointer>(pointerKey(id, precision), idb)),
    setPointer: (id, precision, pointer) => guarded('save a version pointer', () => set(pointerKey(id, precision), pointer, idb)),

    async deviceId() {
      if (unsavedDeviceId) return unsavedDeviceId;
      const existing = await get<string>(DEVICE_ID_KEY, idb).catch(() => undefined);
      if (existing) return existing;
      const made = crypto.randomUUID();
      try {
        await set(DEVICE_ID_KEY, made, idb);
      } catch {
        unsavedDeviceId = made;
      }
      return made;
    },
  };
}
