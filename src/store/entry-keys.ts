/**
 * Where an entry lives in the store's one object store: its record under `entry/…`, its bytes
 * under `chunk/…/<file>/<chunk>`. Kept stable: devices keep what older versions wrote.
 */
import type { Precision } from '../manifest/schema.js';
import type { StoredEntry } from './entry-schema.js';

export interface EntryKey {
  id: string;
  version: string;
  precision: Precision;
}

export const ENTRY_PREFIX = 'entry/';
export const CHUNK_PREFIX = 'chunk/';
export const entryKey = (k: EntryKey) => `${ENTRY_PREFIX}${k.id}/${k.version}/${k.precision}`;
const chunkPrefix = (k: EntryKey) => `${CHUNK_PREFIX}${k.id}/${k.version}/${k.precision}/`;
export const chunkKey = (k: EntryKey, file: number, chunk: number) => `${chunkPrefix(k)}${file}/${chunk}`;
/** Every chunk of an entry, whatever its record says (or when it says nothing sensible). */
export const chunkRange = (k: EntryKey) => IDBKeyRange.bound(chunkPrefix(k), `${chunkPrefix(k)}\uffff`);

/** The key an entry record is stored under, read back even when the record itself is damaged. */
export function keyOfEntryKey(key: string): EntryKey | undefined {
  const parts = key.slice(ENTRY_PREFIX.length).split('/');
  if (parts.length < 3) return undefined;
  const precision = parts.pop() as Precision;
  const version = parts.pop()!;
  return { id: parts.join('/'), version, precision };
}

/** The entry a chunk key belongs to (the part before `/<file>/<chunk>`). */
export function keyOfChunkKey(key: string): EntryKey | undefined {
  const parts = key.slice(CHUNK_PREFIX.length).split('/');
  if (parts.length < 5) return undefined;
  parts.splice(-2);
  return keyOfEntryKey(ENTRY_PREFIX + parts.join('/'));
}

export function chunkKeys(entry: Pick<StoredEntry, 'id' | 'version' | 'precision' | 'files'>): string[] {
  return entry.files.flatMap((file, f) => Array.from({ length: file.chunks }, (_, c) => chunkKey(entry, f, c)));
}

export const sameKey = (a: EntryKey, b: EntryKey) => a.id === b.id && a.version === b.version && a.precision === b.precision;
