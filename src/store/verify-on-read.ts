/**
 * Hash-on-read: stored chunks are put back together into files only when every chunk is the
 * size the (already validated) record says, and each whole file hashes to the SHA-256 stored
 * with it. Storage can be damaged under us (disk, extensions, devtools, another script on the
 * origin): bytes that fail here are never handed to an engine.
 *
 * This proves the bytes are the ones stored, not that they are the manifest's: a script that
 * rewrote bytes and hash together passes. That check needs the manifest (see fetch-variant.ts
 * and upgrade.ts).
 */
import type { StoredEntry } from './entry-schema.js';
import { CHUNK_BYTES } from './limits.js';
import { sha256Hex } from '../integrity/sha256.js';

export type Verified = { ok: true; files: Uint8Array[] } | { ok: false; reason: string };

export async function verifyOnRead(entry: StoredEntry, chunks: readonly unknown[]): Promise<Verified> {
  const name = `${entry.id} ${entry.version} ${entry.precision}`;
  // Sizes first, all of them, so nothing is allocated for a record whose chunks are missing.
  let next = 0;
  for (const [f, file] of entry.files.entries()) {
    for (let c = 0; c < file.chunks; c++) {
      const chunk = chunks[next++];
      const want = Math.min(CHUNK_BYTES, file.bytes - c * CHUNK_BYTES);
      if (!(chunk instanceof ArrayBuffer)) return { ok: false, reason: `stored chunk ${c} of file ${f} of ${name} is missing` };
      if (chunk.byteLength !== want) return { ok: false, reason: `stored chunk ${c} of file ${f} of ${name} has ${chunk.byteLength} bytes, not ${want}` };
    }
  }
  const files: Uint8Array[] = [];
  next = 0;
  for (const [f, file] of entry.files.entries()) {
    const bytes = new Uint8Array(file.bytes);
    for (let c = 0; c < file.chunks; c++) bytes.set(new Uint8Array(chunks[next++] as ArrayBuffer), c * CHUNK_BYTES);
    if ((await sha256Hex(bytes)) !== file.sha256) return { ok: false, reason: `stored file ${f} of ${name} does not match its stored SHA-256` };
    files.push(bytes);
  }
  return { ok: true, files };
}
