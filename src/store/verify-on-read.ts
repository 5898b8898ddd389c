/**
 * Hash-on-read, chunk by chunk: each stored chunk is checked for its size, copied into the one
 * buffer its file gets, and fed to an incremental SHA-256 as it comes out of the store; the
 * file is handed to an engine only when every chunk came in order and the whole hashes to the
 * SHA-256 stored with it. No list of every chunk is held meanwhile. Storage can be damaged under
 * us (disk, extensions, devtools, another script on the origin): bytes that fail here are never
 * handed to an engine.
 *
 * This proves the bytes are the ones stored, not that they are the manifest's: a script that
 * rewrote bytes and hash together passes. That check needs the manifest (see fetch-variant.ts
 * and upgrade.ts).
 */
import { createIncrementalSha256 } from '../integrity/incremental-sha256.js';
import type { StoredEntry } from './entry-schema.js';
import { CHUNK_BYTES } from './limits.js';

export interface FileCheck {
  /** The file's buffer, filled as chunks are added; only trust it after finish() said nothing. */
  readonly bytes: Uint8Array;
  /** Adds the next chunk as read from the store; the reason it is unsound, if it is. */
  add(value: unknown): string | undefined;
  /** The reason the file as a whole is unsound (a chunk short, another hash), if it is. */
  finish(): string | undefined;
}

export async function checkFile(entry: StoredEntry, f: number): Promise<FileCheck> {
  const file = entry.files[f]!;
  const name = `file ${f} of ${entry.id} ${entry.version} ${entry.precision}`;
  const hash = await createIncrementalSha256();
  // Sized by the record, already bounded by its schema check (MAX_FILE_BYTES).
  const bytes = new Uint8Array(file.bytes);
  let next = 0;
  return {
    bytes,
    add(value) {
      const c = next++;
      if (c >= file.chunks) return `stored ${name} has more chunks than its record's ${file.chunks}`;
      const want = Math.min(CHUNK_BYTES, file.bytes - c * CHUNK_BYTES);
      if (!(value instanceof ArrayBuffer)) return `stored chunk ${c} of ${name} is missing`;
      if (value.byteLength !== want) return `stored chunk ${c} of ${name} has ${value.byteLength} bytes, not ${want}`;
      const chunk = new Uint8Array(value);
      bytes.set(chunk, c * CHUNK_BYTES);
      hash.update(chunk);
      return undefined;
    },
    finish() {
      if (next !== file.chunks) return `stored ${name} was read as ${next} of its ${file.chunks} chunks`;
      return hash.digestHex() === file.sha256 ? undefined : `stored ${name} does not match its stored SHA-256`;
    },
  };
}
