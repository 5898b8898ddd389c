/**
 * Hash-on-read, chunk by chunk: each stored chunk is checked for its size and copied into its
 * place in the one buffer its file gets, and handed to an incremental SHA-256 that hashes the
 * chunks in order (chunk-hasher.ts: on a thread of its own for a big file); the file is handed
 * to an engine only when every chunk came and the whole hashes to the SHA-256 stored with it.
 * No list of every chunk is held meanwhile. Storage can be damaged under us (disk, extensions,
 * devtools, another script on the origin): bytes that fail here are never handed to an engine.
 *
 * This proves the bytes are the ones stored, not that they are the manifest's: a script that
 * rewrote bytes and hash together passes. That check needs the manifest (see fetch-variant.ts
 * and upgrade.ts).
 */
import { chunkHasher } from '../integrity/chunk-hasher.js';
import { createIncrementalSha256 } from '../integrity/incremental-sha256.js';
import type { StoredEntry } from './entry-schema.js';
import { CHUNK_BYTES } from './limits.js';

export interface FileCheck {
  /** The file's buffer, filled as chunks are added; only trust it after finish() said nothing. */
  readonly bytes: Uint8Array;
  /**
   * Puts chunk `c` as read from the store in its place (chunks may come in any order: several
   * reads can be in flight) and hands the value itself to the hash (chunk-hasher.ts: off this
   * thread for a big file), which takes it over; the reason the chunk is unsound, if it is.
   */
  add(c: number, value: unknown): string | undefined;
  /** Resolves once the hash is at most HASH_LAG_CHUNKS behind the chunks added: read no further before. */
  caughtUp(): Promise<void>;
  /** The reason the file as a whole is unsound (a chunk missing, another hash), if it is. */
  finish(): Promise<string | undefined>;
  /** Ends a check whose read stopped early (its hashing worker, if any). */
  close(): void;
}

/**
 * How far the hash may trail the read, in chunks (32 MiB): on a device that reads faster than it
 * hashes, chunks would otherwise wait in the hashing worker, up to the whole file beside its copy.
 */
export const HASH_LAG_CHUNKS = 8;

export async function checkFile(entry: StoredEntry, f: number): Promise<FileCheck> {
  const file = entry.files[f]!;
  const name = `file ${f} of ${entry.id} ${entry.version} ${entry.precision}`;
  const hash = await chunkHasher(file.bytes);
  // Sized by the record, already bounded by its schema check (MAX_FILE_BYTES).
  const bytes = new Uint8Array(file.bytes);
  const placed = new Array<boolean>(file.chunks).fill(false);
  let added = 0;
  /** The digest of the file's own buffer, here: only if the hashing worker failed (not the store's fault). */
  const hashBytesHere = async () => {
    const again = await createIncrementalSha256();
    again.update(bytes);
    return again.digestHex();
  };
  return {
    bytes,
    add(c, value) {
      if (!Number.isSafeInteger(c) || c < 0 || c >= file.chunks) return `stored ${name} has no chunk ${c} (its record says ${file.chunks})`;
      if (placed[c]) return `stored chunk ${c} of ${name} was read twice`;
      const want = Math.min(CHUNK_BYTES, file.bytes - c * CHUNK_BYTES);
      if (!(value instanceof ArrayBuffer)) return `stored chunk ${c} of ${name} is missing`;
      if (value.byteLength !== want) return `stored chunk ${c} of ${name} has ${value.byteLength} bytes, not ${want}`;
      bytes.set(new Uint8Array(value), c * CHUNK_BYTES);
      placed[c] = true;
      added += 1;
      hash.add(c, value); // the same bytes as just copied; the hasher takes the value over
      return undefined;
    },
    async finish() {
      if (added !== file.chunks) {
        hash.close();
        return `stored ${name} was read as ${added} of its ${file.chunks} chunks`;
      }
      const digest = await hash.digest().catch(hashBytesHere);
      return digest === file.sha256 ? undefined : `stored ${name} does not match its stored SHA-256`;
    },
    caughtUp: () => hash.caughtUp(HASH_LAG_CHUNKS),
    close: () => hash.close(),
  };
}
