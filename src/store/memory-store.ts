/**
 * A ModelStore kept in memory: for environments without IndexedDB (Node, some private modes)
 * and for tests of the host. Same contract as the IndexedDB store, minus persistence.
 */
import type { CachedModel } from '../protocol.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { EntryKey, ModelStore } from './model-store.js';

export function createMemoryStore(now: () => number = Date.now): ModelStore {
  const entries = new Map<string, { meta: CachedModel; files: Uint8Array[]; urls: string[]; sha256: string[]; spec: ModelSpec }>();
  const keyOf = (k: EntryKey) => `${k.id}/${k.version}/${k.precision}`;
  const matches = (meta: CachedModel, filter: Partial<EntryKey>) =>
    (filter.id === undefined || meta.id === filter.id) &&
    (filter.version === undefined || meta.version === filter.version) &&
    (filter.precision === undefined || meta.precision === filter.precision);
  return {
    async read(key) {
      const entry = entries.get(keyOf(key));
      if (!entry) return undefined;
      entry.meta.lastUsedAt = now();
      return { files: entry.files.map((f) => f.slice()), urls: [...entry.urls], sha256: [...entry.sha256], spec: entry.spec };
    },
    async write(key, files, spec) {
      const at = now();
      const meta = { ...key, bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0), storedAt: at, lastUsedAt: at };
      entries.set(keyOf(key), { meta, files: files.map((f) => f.bytes.slice()), urls: files.map((f) => f.url), sha256: files.map((f) => f.sha256), spec });
    },
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
}
