/**
 * Reading a stored model in batches of chunks, each batch in its own read-only transaction (two
 * in flight, so the store reads ahead while a batch is copied and hashed), straight into one
 * buffer per file while it is hashed (verify-on-read.ts): the worker holds the file's buffer
 * and at most two batches of chunks, never every chunk at once beside it.
 *
 * Why a read across several transactions is not torn by another tab: the record is read first
 * and remembered (its storedAt); another tab can only take the entry away as a whole (eviction
 * and `deleteCached` delete record and chunks in one transaction) or, after that, write it anew
 * (chunks first, under its write lock, the record last). So a read that meets a missing chunk,
 * a short one or a wrong hash asks, in one read-write transaction, whether the record it began
 * with is still there unchanged: if it is, the stored copy is damaged and is deleted in that
 * same transaction; if it is gone or rewritten, the read was overtaken and is a plain miss —
 * nothing is deleted, and the caller looks again under the download lock. Bytes are handed out
 * only when every chunk passed and each file's SHA-256 matched, so a torn read can never
 * reach an engine.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { checkEntry, type StoredEntry } from './entry-schema.js';
import { chunkKey, chunkRange, entryKey, type EntryKey } from './entry-keys.js';
import { checkFile } from './verify-on-read.js';

/** 4 chunks (16 MiB) a transaction: few enough transactions, little beside the file's buffer. */
export const READ_BATCH = 4;
/**
 * Transactions in flight at once, so the store reads the next batch while this one is copied
 * and hashed: at most READ_WINDOW × READ_BATCH chunks (32 MiB) beside the file's buffer.
 */
export const READ_WINDOW = 2;

export type ChunkedRead =
  | { kind: 'absent' }
  /** A record or bytes found unsound, and deleted. */
  | { kind: 'repaired'; reason: string }
  /** Another tab removed or rewrote the entry while it was read: a miss, nothing deleted. */
  | { kind: 'overtaken' }
  | { kind: 'found'; entry: StoredEntry; files: Uint8Array[] };

/** Progress of the check: bytes read and hashed so far, of all files. */
export type ReadProgress = (checked: number, total: number) => void;

/** The record, checked; an unsound one is deleted with every chunk in the same transaction. lastUsedAt is touched, best effort. */
function readRecord(idb: UseStore, key: EntryKey, at: number): Promise<{ kind: 'absent' } | { kind: 'repaired'; reason: string } | { kind: 'entry'; entry: StoredEntry }> {
  return idb(
    'readwrite',
    (store) =>
      new Promise((resolve, reject) => {
        const tx = store.transaction;
        const record = store.get(entryKey(key));
        record.onerror = () => reject(record.error);
        record.onsuccess = () => {
          if (record.result === undefined) return resolve({ kind: 'absent' });
          const check = checkEntry(record.result, key);
          if (!check.ok) {
            store.delete(entryKey(key));
            store.delete(chunkRange(key));
            tx.oncomplete = () => resolve({ kind: 'repaired', reason: check.reason });
            tx.onabort = () => reject(tx.error);
            return;
          }
          const touch = store.put({ ...check.entry, lastUsedAt: at }, entryKey(key));
          touch.onerror = (event) => event.preventDefault();
          resolve({ kind: 'entry', entry: check.entry });
        };
      }),
  );
}

/** Reads chunks [from, to) of file f in one read-only transaction, handing each to `take`; stops at the first it refuses. */
function readBatch(idb: UseStore, key: EntryKey, f: number, from: number, to: number, take: (c: number, value: unknown) => boolean): Promise<void> {
  return idb('readonly', (store) => {
    for (let c = from; c < to; c++) {
      const request = store.get(chunkKey(key, f, c));
      request.onsuccess = () => {
        if (!take(c, request.result)) store.transaction.abort();
      };
    }
    return promisifyRequest(store.transaction).catch((error: unknown) => {
      if (store.transaction.error === null) return; // aborted by us: `take` has the reason
      throw error;
    });
  });
}

/** In one transaction: the damaged copy deleted if its record is still the one read, else "overtaken". */
function deleteIfUnchanged(idb: UseStore, key: EntryKey, storedAt: number, reason: string): Promise<ChunkedRead> {
  return idb(
    'readwrite',
    (store) =>
      new Promise<ChunkedRead>((resolve, reject) => {
        const tx = store.transaction;
        const record = store.get(entryKey(key));
        let result: ChunkedRead = { kind: 'overtaken' };
        record.onsuccess = () => {
          const now = record.result as { storedAt?: unknown } | undefined;
          if (now?.storedAt !== storedAt) return;
          store.delete(entryKey(key));
          store.delete(chunkRange(key));
          result = { kind: 'repaired', reason };
        };
        tx.oncomplete = () => resolve(result);
        tx.onabort = () => reject(tx.error);
      }),
  );
}

export async function readChunked(idb: UseStore, key: EntryKey, at: number, onProgress?: ReadProgress, batch = READ_BATCH, inFlight = READ_WINDOW): Promise<ChunkedRead> {
  const head = await readRecord(idb, key, at);
  if (head.kind !== 'entry') return head;
  const { entry } = head;
  const total = entry.bytes;
  let checked = 0;
  onProgress?.(0, total);
  const files: Uint8Array[] = [];
  for (const [f, file] of entry.files.entries()) {
    const check = await checkFile(entry, f);
    let problem: string | undefined;
    let next = 0;
    // READ_WINDOW workers, each taking the next batch until the file is read or a chunk is refused.
    const worker = async () => {
      while (!problem && next < file.chunks) {
        await check.caughtUp();
        if (problem || next >= file.chunks) break;
        const from = next;
        next = Math.min(file.chunks, from + batch);
        await readBatch(idb, key, f, from, next, (c, value) => {
          // Measured first: add() hands the value to the hash, which may take it to another thread.
          const bytes = value instanceof ArrayBuffer ? value.byteLength : 0;
          problem ??= check.add(c, value);
          if (problem) return false;
          checked += bytes;
          return true;
        });
        if (!problem) onProgress?.(checked, total);
      }
    };
    try {
      await Promise.all(Array.from({ length: inFlight }, worker));
    } catch (error) {
      check.close(); // a refused read: its hashing worker, if any, is not left running
      throw error;
    }
    if (problem) check.close();
    else problem = await check.finish();
    if (problem) return deleteIfUnchanged(idb, key, entry.storedAt, problem);
    files.push(check.bytes);
  }
  return { kind: 'found', entry, files };
}
