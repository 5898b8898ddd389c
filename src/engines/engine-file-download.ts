/**
 * An engine file downloaded once and read once, hashed (incrementally) while its bytes arrive, so
 * a cold visit never waits for a whole-file digest after the download. On a first visit the engine
 * compiles the .wasm by streaming from the same URL meanwhile (engine-file-cache.ts); these bytes
 * are the device copy.
 *
 * Measured in Chromium (2 cores, shared), onnxruntime-web 1.30's 14 MB .wasm from localhost, a new
 * profile each, ms to a compiled module, median of 5:
 * - run 1 (load 4.6–6.3): compileStreaming straight from the network, as bare onnxruntime-web
 *   does, 529; download + digest + compile the bytes 657 (read chunk by chunk: 600); download +
 *   digest + compile by streaming from the HTTP cache 921; compile by streaming from a clone
 *   while the bytes are hashed, then the bytes 764 (V8 did not share the first module with the
 *   second compile: compiling bytes took as long with it alive).
 * - run 2 (load 4.7–9.5): straight from the network 731; `fetch` with `integrity` then streaming
 *   1753 (the browser holds the body until it is checked); bytes 817; the predecessor 1442.
 * A streamed compile is eager (365–427 ms of Liftoff for this file from memory); compiling bytes
 * is lazy (93–166 ms, functions compiled when first called) — but only a streamed compile of a
 * URL leaves V8's code cache for the next visit, which is why the engine streams.
 */
import { IntegrityError } from '../errors.js';
import { createIncrementalSha256 } from '../integrity/incremental-sha256.js';

export interface EngineFileDownload {
  /** The whole file: the device copy is made from it. */
  bytes: ArrayBuffer;
  /** Lowercase hex SHA-256 of `bytes`. */
  sha256: string;
  headers: Headers;
}

async function readHashed(body: ReadableStream<Uint8Array>): Promise<{ bytes: ArrayBuffer; sha256: string }> {
  const hasher = await createIncrementalSha256();
  const chunks: Uint8Array[] = [];
  const reader = body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    hasher.update(next.value);
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(hasher.fed);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { bytes: bytes.buffer, sha256: hasher.digestHex() };
}

/** Fetches `url` and checks it against `expected` when given (IntegrityError). */
export async function downloadEngineFile(url: string, expected: string | undefined, fetchImpl: typeof fetch): Promise<EngineFileDownload> {
  const response = await fetchImpl(url);
  if (!response.ok || !response.body) throw new Error(`could not fetch the engine file ${url}: HTTP ${response.status}`);
  const { bytes, sha256 } = await readHashed(response.body);
  if (expected && sha256 !== expected) {
    throw new IntegrityError(`the engine file ${url} does not match its SHA-256 (expected ${expected}, got ${sha256})`, { url, expected, actual: sha256 });
  }
  return { bytes, sha256, headers: response.headers };
}
