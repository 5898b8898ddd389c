/**
 * Download one model file with byte progress, and verify its size and SHA-256 before anyone
 * may store it. A failed or cut-off download throws and leaves nothing behind: the bytes only
 * ever exist in this function's memory until they are proven to be the manifest's bytes.
 */
import { AbortedError, DownloadFailedError, IntegrityMismatchError } from '../errors.js';
import type { FileEntry } from '../manifest/schema.js';
import { sha256Hex } from './sha256.js';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export async function downloadFile(
  url: string,
  expected: FileEntry,
  onBytes: (received: number) => void,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const aborted = () => new AbortedError(`download of ${url} was cancelled; nothing was stored`, { url });
  if (signal?.aborted) throw aborted();
  let response: Response;
  try {
    response = await fetchImpl(url, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw aborted();
    throw new DownloadFailedError(`could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`, { url });
  }
  if (!response.ok || !response.body) {
    throw new DownloadFailedError(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`, { url, status: response.status });
  }
  // Sized from the manifest, not Content-Length (which is the compressed size under gzip).
  const bytes = new Uint8Array(expected.bytes);
  let received = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (received + value.byteLength > expected.bytes) {
        await reader.cancel();
        throw new IntegrityMismatchError(`${url} is larger than the ${expected.bytes} bytes the manifest lists`, { url, expectedBytes: expected.bytes });
      }
      bytes.set(value, received);
      received += value.byteLength;
      onBytes(received);
    }
  } catch (error) {
    if (error instanceof IntegrityMismatchError) throw error;
    if (signal?.aborted) throw aborted();
    throw new DownloadFailedError(`download of ${url} was cut off after ${received} of ${expected.bytes} bytes`, { url, received });
  }
  if (received !== expected.bytes) {
    throw new DownloadFailedError(`download of ${url} ended after ${received} of ${expected.bytes} bytes`, { url, received });
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new IntegrityMismatchError(`${url} does not match its manifest SHA-256 (expected ${expected.sha256}, got ${actual}); nothing was stored`, {
      url,
      expected: expected.sha256,
      actual,
    });
  }
  return bytes;
}
