/**
 * A ModelStore kept in memory: for environments without IndexedDB (Node, some private modes)
 * and for tests of the host. Same contract as the IndexedDB store, minus persistence.
 */
import type { CachedModel } from '../protocol.js';
import type { ModelSpec, Precision } from '../manifest/schema.js';
import type { EntryKey, ModelStore, StoredBackendChoice, VersionPointer } from './model-store.js';

export function createMemoryStore(now: () => number = Date.now): ModelStore {
  const entries = new Map<string, { meta: CachedModel; files: Uint8Array[]; sha256: string[]; spec: ModelSpec }>();
  const pointers = new Map<string, VersionPointer>();
  const choices = new Map<string, StoredBackendChoice>();
  const device = crypto.randomUUID();
  const pointerKey = (id: string, precision: Precision) => `${id}/${precision}`;
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
      return { files: entry.files.map((f) => f.slice()), sha256: [...entry.sha256], spec: entry.spec };
    },
    async write(key, files, spec) {
      const at = now();
      const meta = { ...key, bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0), storedAt: at, lastUsedAt: at };
      entries.set(keyOf(key), { meta, files: files.map((f) => f.bytes.slice()), sha256: files.map((f) => f.sha256), spec });
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
    getPointer: async (id, precision) => pointers.get(pointerKey(id, precision)),
    setPointer: async (id, precision, pointer) => void pointers.set(pointerKey(id, precision), pointer),
    deviceId: async () => device,
    getBackendChoice: async (key) => choices.get(keyOf(key)),
    setBackendChoice: async (key, choice) => void choices.set(keyOf(key), choice),
  };
}
