/**
 * Hash-on-read, chunk by chunk: each stored chunk is checked for its size and copied into its
 * place in the one buffer its file gets, and the file is fed to an incremental SHA-256 as far
 * as it is contiguous; the file is handed to an engine only when every chunk came and the whole
 * hashes to the SHA-256 stored with it. No list of every chunk is held meanwhile. Storage can be damaged under
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
  /**
   * Puts chunk `c` as read from the store in its place (chunks may come in any order: several
   * reads can be in flight) and hashes the file as far as it is contiguous; the reason the
   * chunk is unsound, if it is.
   */
  add(c: number, value: unknown): string | undefined;
  /** The reason the file as a whole is unsound (a chunk missing, another hash), if it is. */
  finish(): string | undefined;
}

export async function checkFile(entry: StoredEntry, f: number): Promise<FileCheck> {
  const file = entry.files[f]!;
  const name = `file ${f} of ${entry.id} ${entry.version} ${entry.precision}`;
  const hash = await createIncrementalSha256();
  // Sized by the record, already bounded by its schema check (MAX_FILE_BYTES).
  const bytes = new Uint8Array(file.bytes);
  const placed = new Array<boolean>(file.chunks).fill(false);
  let hashed = 0; // chunks hashed, in order, from the file's own buffer
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
      while (hashed < file.chunks && placed[hashed]) {
        hash.update(bytes.subarray(hashed * CHUNK_BYTES, Math.min(file.bytes, (hashed + 1) * CHUNK_BYTES)));
        hashed++;
      }
      return undefined;
    },
    finish() {
      if (hashed !== file.chunks) return `stored ${name} was read as ${placed.filter(Boolean).length} of its ${file.chunks} chunks`;
      return hash.digestHex() === file.sha256 ? undefined : `stored ${name} does not match its stored SHA-256`;
    },
  };
}
