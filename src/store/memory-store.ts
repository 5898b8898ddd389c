/**
 * A ModelStore kept in memory: for environments without IndexedDB (Node, some private modes)
 * and for tests of the host. Same contract as the IndexedDB store, minus persistence.
 */
import type { CachedModel } from '../protocol.js';
import type { ModelSpec } from '../manifest/schema.js';
import { StorageFailedError } from '../errors.js';
import { CHUNK_BYTES, chunksFor } from './limits.js';
import { type EntryKey, type ModelStore, writeWhole } from './model-store.js';

export function createMemoryStore(now: () => number = Date.now): ModelStore {
  const entries = new Map<string, { meta: CachedModel; files: Uint8Array[]; urls: string[]; sha256: string[]; spec: ModelSpec }>();
  const keyOf = (k: EntryKey) => `${k.id}/${k.version}/${k.precision}`;
  const matches = (meta: CachedModel, filter: Partial<EntryKey>) =>
    (filter.id === undefined || meta.id === filter.id) &&
    (filter.version === undefined || meta.version === filter.version) &&
    (filter.precision === undefined || meta.precision === filter.precision);
  const store: ModelStore = {
    async read(key, _onRepair, onProgress) {
      const entry = entries.get(keyOf(key));
      if (!entry) return undefined;
      entry.meta.lastUsedAt = now();
      onProgress?.(entry.meta.bytes, entry.meta.bytes);
      return { files: entry.files.map((f) => f.slice()), urls: [...entry.urls], sha256: [...entry.sha256], spec: entry.spec };
    },
    async begin(key, files) {
      // Chunks land in one buffer per file; the entry appears only at commit, as in IndexedDB.
      const buffers = files.map((f) => new Uint8Array(f.bytes));
      const written = files.map((f) => new Array<boolean>(chunksFor(f.bytes)).fill(false));
      let open = true;
      return {
        chunkBytes: CHUNK_BYTES,
        async put(file, chunk, bytes) {
          if (!open || !buffers[file] || written[file]![chunk] === undefined) throw new StorageFailedError(`no chunk ${chunk} of file ${file} in this write`, { ...key });
          buffers[file]!.set(bytes, chunk * CHUNK_BYTES);
          written[file]![chunk] = true;
        },
        async commit(spec) {
          if (!open || written.some((w) => w.includes(false)))
            throw new StorageFailedError(`could not store ${key.id} ${key.version} ${key.precision}: not every chunk was written`, { ...key });
          open = false;
          const at = now();
          const meta = { ...key, bytes: files.reduce((n, f) => n + f.bytes, 0), storedAt: at, lastUsedAt: at };
          entries.set(keyOf(key), { meta, files: buffers, urls: files.map((f) => f.url), sha256: files.map((f) => f.sha256), spec });
        },
        async abort() {
          open = false;
        },
      };
    },
    write: (key, files, spec) => writeWhole(store, key, files, spec),
    async list() {
      return [...entries.values()].map((e) => ({ ...e.meta }));
    },
    async remove(filter = {}) {
      let removed = 0;
      for (const [key, entry] of entries) {
        if (matches(entry.meta, filter)) {
          entries.delete(key);
          removed++;
        }
      }
      return removed;
    },
  };
  return store;
}
