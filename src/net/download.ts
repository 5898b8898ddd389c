/**
 * Download one model file with byte progress, and verify its size and SHA-256 before anyone
 * may store it. A failed or cut-off download throws and leaves nothing behind: the bytes only
 * ever exist in this function's memory until they are proven to be the manifest's bytes.
 *
 * Two things a real network does: it stalls (a server or proxy that keeps the connection open
 * and sends nothing — without a limit `load` would wait forever), and it cuts a connection
 * midway. A stall of `stallMs` fails with DOWNLOAD_FAILED. A cut is resumed from the last byte
 * with an HTTP Range request when the server answers 206 with the matching Content-Range
 * (anything else, e.g. a 200 with the whole file, starts again from byte 0); the file is still
 * accepted only if its full SHA-256 matches.
 */
import { AbortedError, DownloadFailedError, IntegrityMismatchError } from '../errors.js';
import type { FileEntry } from '../manifest/schema.js';
import { sha256Hex } from '../integrity/sha256.js';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Long enough for a slow mobile network's pauses, short enough that a user is told. */
const DEFAULT_STALL_MS = 30_000;
/** Cuts resumed per file before giving up; each resume must have made progress. */
const MAX_RESUMES = 5;

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long (headers included); default DEFAULT_STALL_MS. */
  stallMs?: number;
}

/** The Content-Range a 206 must carry for a resume from `from` of a file of `size` bytes. */
function resumesAt(response: Response, from: number, size: number): boolean {
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  const encoding = response.headers.get('content-encoding');
  // A range of compressed bytes is not a range of the file.
  return response.status === 206 && !!range && Number(range[1]) === from && Number(range[2]) === size - 1 && (range[3] === '*' || Number(range[3]) === size) && (!encoding || encoding === 'identity');
}

export async function downloadFile(
  url: string,
  expected: FileEntry,
  onBytes: (received: number) => void,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
  signalOrOptions?: AbortSignal | DownloadOptions,
): Promise<Uint8Array> {
  const options: DownloadOptions = signalOrOptions instanceof AbortSignal ? { signal: signalOrOptions } : (signalOrOptions ?? {});
  const { signal } = options;
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const aborted = () => new AbortedError(`download of ${url} was cancelled; nothing was stored`, { url });
  if (signal?.aborted) throw aborted();
  // Sized from the manifest (bounded by its validation), not Content-Length (the compressed size under gzip).
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(expected.bytes);
  } catch (error) {
    throw new DownloadFailedError(`could not set aside ${expected.bytes} bytes for ${url} (${error instanceof Error ? error.message : String(error)})`, { url });
  }
  let received = 0;
  let resumes = 0;

  for (;;) {
    const from = received;
    const attempt = new AbortController();
    const cancel = () => attempt.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const armStallTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        attempt.abort();
      }, stallMs);
    };
    const failure = (what: string) => {
      if (signal?.aborted) return aborted();
      if (stalled) return new DownloadFailedError(`download of ${url} stalled: no bytes for ${stallMs} ms after ${received} of ${expected.bytes}`, { url, received, stallMs });
      return new DownloadFailedError(what, { url, received });
    };
    try {
      armStallTimer();
      let response: Response;
      try {
        response = await fetchImpl(url, { signal: attempt.signal, ...(from > 0 ? { headers: { Range: `bytes=${from}-` } } : {}) });
      } catch (error) {
        throw failure(`could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!response.ok || !response.body) {
        throw new DownloadFailedError(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`, { url, status: response.status });
      }
      let start = from;
      if (from > 0 && !resumesAt(response, from, expected.bytes)) start = received = 0; // no usable range: start again
      const reader = response.body.getReader();
      let cut = false;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          armStallTimer();
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
        if (signal?.aborted || stalled) throw failure('');
        cut = true;
      }
      if (received === expected.bytes) break;
      // Cut (or ended short): resume while each attempt makes progress.
      if (received > start && resumes < MAX_RESUMES) {
        resumes++;
        continue;
      }
      throw new DownloadFailedError(`download of ${url} ${cut ? 'was cut off' : 'ended'} after ${received} of ${expected.bytes} bytes${resumes > 0 ? ` (${resumes} resumes)` : ''}`, {
        url,
        received,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
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
