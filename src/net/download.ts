/**
 * Download one model file with byte progress, hashing it as it arrives and handing each
 * finished chunk to `onChunk` (the store writes it then), so no whole-file pass or second copy
 * follows the download. The bytes land in one buffer sized from the manifest, and that buffer
 * is what the caller gets — the engine's copy is the only other one. The file is returned only
 * once its size and SHA-256 are the manifest's; until then a caller must treat chunks it was
 * handed as unproven (fetch-variant.ts writes the store's record only after this resolves).
 *
 * Two things a real network does: it stalls (a server or proxy that keeps the connection open
 * and sends nothing — without a limit `load` would wait forever), and it cuts a connection
 * midway. A stall of `stallMs` fails with DOWNLOAD_FAILED. A cut is resumed from the last byte
 * with an HTTP Range request when the server answers 206 with the matching Content-Range
 * (anything else, e.g. a 200 with the whole file, starts again from byte 0 with a new hash and
 * the chunks handed over again), after a backoff wait (backoff.ts); the file is still accepted
 * only if its full SHA-256 matches.
 */
import { AbortedError, DownloadFailedError, IntegrityMismatchError } from '../errors.js';
import type { FileEntry } from '../manifest/schema.js';
import { createIncrementalSha256, type IncrementalSha256 } from '../integrity/incremental-sha256.js';
import { bodyReader } from './body-reader.js';
import { backoffDelay, DEFAULT_BACKOFF, sleep as realSleep, type Backoff, type Sleep } from './backoff.js';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Long enough for a slow mobile network's pauses, short enough that a user is told. */
const DEFAULT_STALL_MS = 30_000;
/** Cuts resumed per file before giving up; each resume must have made progress. */
const MAX_RESUMES = 5;

/** Where finished chunks go as they arrive (the store); see DownloadOptions.onChunk. */
export interface ChunkSink {
  /** Chunk size in bytes; chunk i is bytes [i·chunkBytes, (i+1)·chunkBytes) of the file. */
  chunkBytes: number;
  /**
   * Called once per chunk as soon as its last byte arrived (again from chunk 0 if the server
   * restarts the file), in order, with a view into the download's buffer: copy what you keep.
   * The next call waits for this one's promise, which holds the network back if the sink is
   * slower than it. A rejection fails the download.
   */
  onChunk(index: number, bytes: Uint8Array): Promise<void>;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long (headers included); default DEFAULT_STALL_MS. */
  stallMs?: number;
  sink?: ChunkSink;
  /** Waits before each resume; default DEFAULT_BACKOFF. */
  backoff?: Backoff;
  /** Injected in tests: the wait itself and the jitter's source. */
  sleep?: Sleep;
  random?: () => number;
}

/** The Content-Range a 206 must carry for a resume from `from` of a file of `size` bytes. */
function resumesAt(response: Response, from: number, size: number): boolean {
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  const encoding = response.headers.get('content-encoding');
  // A range of compressed bytes is not a range of the file.
  return (
    response.status === 206 &&
    !!range &&
    Number(range[1]) === from &&
    Number(range[2]) === size - 1 &&
    (range[3] === '*' || Number(range[3]) === size) &&
    (!encoding || encoding === 'identity')
  );
}

/** Hands finished chunks to the sink in order, one write in flight at a time. */
function chunkFeeder(bytes: Uint8Array, sink: ChunkSink | undefined) {
  let next = 0;
  let writing: Promise<void> = Promise.resolve();
  let failed: { error: unknown } | undefined;
  return {
    /** Set when the sink rejected: that error, not a network cut, ends the download. */
    failed: () => failed,
    restart: () => void (next = 0),
    /** Hands over every chunk that `received` bytes complete (`final`: the file's last, short one too). */
    async reached(received: number, final: boolean): Promise<void> {
      if (!sink) return;
      while ((next + 1) * sink.chunkBytes <= received || (final && next * sink.chunkBytes < received) || (final && received === 0 && next === 0)) {
        const index = next++;
        await writing;
        writing = sink.onChunk(index, bytes.subarray(index * sink.chunkBytes, Math.min(received, (index + 1) * sink.chunkBytes))).catch((error: unknown) => {
          failed = { error };
          throw error;
        });
        // Awaited at the next chunk or at the end; until then its failure is not "unhandled".
        writing.catch(() => undefined);
      }
    },
    drain: () => writing,
    /** Resolves once no write is in flight, so a caller cleaning up after a failure deletes every chunk. */
    settled: () => writing.catch(() => undefined),
  };
}

export async function downloadFile(
  url: string,
  expected: FileEntry,
  onBytes: (received: number) => void,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
  signalOrOptions?: AbortSignal | DownloadOptions,
): Promise<Uint8Array> {
  const options: DownloadOptions = signalOrOptions instanceof AbortSignal ? { signal: signalOrOptions } : (signalOrOptions ?? {});
  if (options.signal?.aborted) throw new AbortedError(`download of ${url} was cancelled; nothing was stored`, { url });
  // Sized from the manifest (bounded by its validation), not Content-Length (the compressed size under gzip).
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(expected.bytes);
  } catch (error) {
    throw new DownloadFailedError(`could not set aside ${expected.bytes} bytes for ${url} (${error instanceof Error ? error.message : String(error)})`, { url });
  }
  const chunks = chunkFeeder(bytes, options.sink);
  try {
    return await fetchInto(url, expected, bytes, chunks, onBytes, fetchImpl, options);
  } finally {
    await chunks.settled();
  }
}

type ChunkFeeder = ReturnType<typeof chunkFeeder>;

async function fetchInto(
  url: string,
  expected: FileEntry,
  bytes: Uint8Array,
  chunks: ChunkFeeder,
  onBytes: (received: number) => void,
  fetchImpl: FetchLike,
  options: DownloadOptions,
): Promise<Uint8Array> {
  const { signal } = options;
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const aborted = () => new AbortedError(`download of ${url} was cancelled; nothing was stored`, { url });
  let hash: IncrementalSha256 = await createIncrementalSha256();
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
    let cut = false;
    let start = from;
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
      if (from > 0 && !resumesAt(response, from, expected.bytes)) {
        // No usable range: start again, hash and chunks included.
        start = received = 0;
        hash = await createIncrementalSha256();
        chunks.restart();
      }
      const reader = bodyReader(response.body);
      try {
        for (;;) {
          const value = await reader.read();
          if (!value) break;
          armStallTimer();
          if (received + value.byteLength > expected.bytes) {
            await reader.cancel();
            throw new IntegrityMismatchError(`${url} is larger than the ${expected.bytes} bytes the manifest lists`, { url, expectedBytes: expected.bytes });
          }
          bytes.set(value, received);
          hash.update(value);
          received += value.byteLength;
          onBytes(received);
          await chunks.reached(received, received === expected.bytes);
        }
      } catch (error) {
        if (error instanceof IntegrityMismatchError) throw error;
        if (signal?.aborted || stalled) throw failure('');
        const sinkFailure = chunks.failed();
        if (sinkFailure) throw sinkFailure.error;
        cut = true;
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
    if (received === expected.bytes) break;
    // Cut (or ended short): resume while each attempt makes progress, after a backoff wait.
    if (received > start && resumes < MAX_RESUMES) {
      await (options.sleep ?? realSleep)(backoffDelay(resumes, options.backoff ?? DEFAULT_BACKOFF, options.random), signal).catch(() => {
        throw aborted();
      });
      resumes++;
      continue;
    }
    throw new DownloadFailedError(`download of ${url} ${cut ? 'was cut off' : 'ended'} after ${received} of ${expected.bytes} bytes${resumes > 0 ? ` (${resumes} resumes)` : ''}`, {
      url,
      received,
    });
  }

  await chunks.reached(received, true); // an empty file is one empty chunk
  await chunks.drain();
  const actual = hash.fed === expected.bytes ? hash.digestHex() : `(${hash.fed} bytes hashed, not ${expected.bytes})`;
  if (actual !== expected.sha256) {
    throw new IntegrityMismatchError(`${url} does not match its manifest SHA-256 (expected ${expected.sha256}, got ${actual}); nothing was stored`, {
      url,
      expected: expected.sha256,
      actual,
    });
  }
  return bytes;
}
