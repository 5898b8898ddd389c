/**
 * An engine file read whole and checked. On a first visit the engine compiles the .wasm by
 * streaming from a clone of the same response meanwhile (engine-file-cache.ts), so this read is
 * off the load's path as long as it leaves the worker's thread free: the body is taken by
 * `arrayBuffer()` and hashed by WebCrypto, both done by the browser off the JavaScript thread.
 * (Hashing it as it arrived with hash-wasm kept the worker's thread busy for ~0.25 s of a cold
 * visit's trace, during which onnxruntime-web could not even import its glue. The models, which
 * can be gigabytes, are hashed incrementally: fetch-variant.ts.)
 */
import { IntegrityError } from '../errors.js';
import { sha256Hex } from '../integrity/sha256.js';

export interface EngineFileDownload {
  /** The whole file: the device copy is made from it. */
  bytes: ArrayBuffer;
  /** Lowercase hex SHA-256 of `bytes`. */
  sha256: string;
  headers: Headers;
}

/** Fetches `url` and checks it against `expected` when given (IntegrityError). */
export async function downloadEngineFile(url: string, expected: string | undefined, fetchImpl: typeof fetch): Promise<EngineFileDownload> {
  return readEngineFile(await fetchImpl(url), url, expected);
}

/** Reads a response of `url` whole and checks it against `expected` when given (IntegrityError). */
export async function readEngineFile(response: Response, url: string, expected: string | undefined): Promise<EngineFileDownload> {
  if (!response.ok) throw new Error(`could not fetch the engine file ${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const sha256 = await sha256Hex(new Uint8Array(bytes));
  if (expected && sha256 !== expected) {
    throw new IntegrityError(`the engine file ${url} does not match its SHA-256 (expected ${expected}, got ${sha256})`, { url, expected, actual: sha256 });
  }
  return { bytes, sha256, headers: response.headers };
}
