/**
 * The SHA-256 of a file fed as numbered chunks in any order (the store reads several at once)
 * and hashed in order. A big file is hashed on a thread of its own: on the worker's thread the
 * hash and IndexedDB's reads take turns (Chromium copies each read value out of its Blob on the
 * thread that asked for it), so hashing there added its whole time to a warm load. Measured,
 * reading 256 MB from IndexedDB in 4 MiB chunks in Chromium 150 on 2 cores: 2.6–3.1 s alone,
 * 3.4–4.2 s hashed on the same thread, 2.7–3.2 s hashed in a worker.
 *
 * The hashing worker is made from a blob: URL holding hash-wasm's own script
 * (hash-worker-source.ts), so it needs no file of its own in the package or on a CDN. Where no
 * such worker starts — Node, a page whose Content-Security-Policy forbids blob: workers, an old
 * browser — the same hash runs on this thread, as before.
 */
import { createIncrementalSha256 } from './incremental-sha256.js';

/** From this size a file is hashed off the thread: below it the worker's start (~50 ms) costs more than it saves. */
export const HASH_OFF_THREAD_FROM = 64 * 1024 * 1024;
/** A hashing worker that has not said it is ready by then is given up for this thread. */
const WORKER_START_MS = 5000;

export interface ChunkHasher {
  /** Where the hash runs: a worker of its own, or this thread. */
  readonly where: 'worker' | 'here';
  /** Chunk `c`, whole; its ArrayBuffer is taken over (transferred or dropped): do not use it after. */
  add(c: number, chunk: ArrayBuffer): void;
  /**
   * Resolves once at most `behind` chunks added are not hashed yet. A reader waits on it so that
   * chunks never pile up in the hashing worker on a device that reads faster than it hashes.
   */
  caughtUp(behind: number): Promise<void>;
  /** The lowercase hex digest of chunks 0…n−1 (every one added); the hasher is spent afterwards. */
  digest(): Promise<string>;
  /** Stops a hasher whose digest is no longer wanted (a read that failed). */
  close(): void;
}

function hashHere(hash: Awaited<ReturnType<typeof createIncrementalSha256>>): ChunkHasher {
  const waiting = new Map<number, ArrayBuffer>();
  let next = 0;
  return {
    where: 'here',
    add(c, chunk) {
      waiting.set(c, chunk);
      for (let bytes = waiting.get(next); bytes; bytes = waiting.get(next)) {
        waiting.delete(next);
        next += 1;
        hash.update(new Uint8Array(bytes));
      }
    },
    caughtUp: async () => undefined, // hashed as added
    digest: async () => hash.digestHex(),
    close: () => waiting.clear(),
  };
}

type FromWorker = { ready: true } | { hashed: number } | { digest: string } | { error: string };

/** A started hashing worker, or undefined where none starts (see the top of this file). */
async function startWorker(): Promise<Worker | undefined> {
  if (typeof Worker === 'undefined' || typeof URL.createObjectURL !== 'function') return undefined;
  const { hashWorkerSource } = await import('./hash-worker-source.js');
  const url = URL.createObjectURL(new Blob([hashWorkerSource], { type: 'text/javascript' }));
  let worker: Worker;
  try {
    worker = new Worker(url, { name: 'edgeserve-sha256' });
  } catch {
    URL.revokeObjectURL(url);
    return undefined;
  }
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), WORKER_START_MS);
    const settle = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => settle('ready' in data);
    worker.onerror = (event) => {
      event.preventDefault(); // a CSP refusal is expected here, not an error the page should see
      settle(false);
    };
  });
  URL.revokeObjectURL(url);
  if (started) return worker;
  worker.terminate();
  return undefined;
}

function hashInWorker(worker: Worker): ChunkHasher {
  let added = 0;
  let hashed = 0;
  let failed = false;
  const waiting: Array<{ behind: number; resolve: () => void }> = [];
  /** Nobody waits on a worker that failed or was closed: it will not catch up. */
  const within = (behind: number) => failed || added - hashed <= behind;
  const wake = () => {
    for (const w of waiting.splice(0)) {
      if (within(w.behind)) w.resolve();
      else waiting.push(w);
    }
  };
  const digest = new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      failed = true;
      wake();
      reject(new Error(`the hashing worker failed: ${why}`));
    };
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if ('hashed' in data) {
        hashed = data.hashed;
        wake();
      } else if ('digest' in data) resolve(data.digest);
      else fail('error' in data ? data.error : 'no digest');
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(event.message);
    };
  });
  digest.catch(() => undefined); // read by digest() when it is wanted at all
  return {
    where: 'worker',
    add(c, chunk) {
      added += 1;
      worker.postMessage({ c, chunk }, [chunk]);
    },
    caughtUp: (behind) => (within(behind) ? Promise.resolve() : new Promise((resolve) => waiting.push({ behind, resolve }))),
    digest() {
      worker.postMessage({ end: true });
      return digest.finally(() => worker.terminate());
    },
    close() {
      failed = true;
      wake();
      worker.terminate();
    },
  };
}

/** A hasher for a file of `bytes`: off this thread from HASH_OFF_THREAD_FROM where a worker starts. */
export async function chunkHasher(bytes: number, offThreadFrom = HASH_OFF_THREAD_FROM): Promise<ChunkHasher> {
  const worker = bytes >= offThreadFrom ? await startWorker() : undefined;
  return worker ? hashInWorker(worker) : hashHere(await createIncrementalSha256());
}
