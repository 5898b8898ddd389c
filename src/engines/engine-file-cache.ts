/**
 * The engines' own files kept on the device (Cache Storage), so an app that has no service
 * worker still runs its models offline after one online visit, and checked by SHA-256 (as
 * transformers.js does with onnxruntime-web's binary): against the hash the package build
 * recorded when there is one (the .wasm; this also checks a CDN's copy), else against the hash
 * taken when the file was first cached, so a corrupted entry is never used.
 * - The .wasm is compiled by streaming from its URL whenever the browser's HTTP cache holds a
 *   fresh copy known to be right (a returning visit); else from the device copy's checked bytes.
 *   From the page's own origin a first visit's engine fetches it as it would alone, and the
 *   device copy is taken from the HTTP cache and checked once the worker pauses: one download, or
 *   a second one once the worker pauses where the HTTP cache keeps no such file, as in a
 *   private window (see `ownOriginFirstVisit`). From another origin (a CDN) it is downloaded
 *   once: the engine compiles by streaming from one branch of the response while the other is
 *   checked before any session is handed out (see `firstDownload`).
 * - The small .mjs glue is fetched from the network when it answers (the engine then imports the
 *   same URL); only when the network fails is it served from the cache as a blob: URL.
 */
import { IntegrityError } from '../errors.js';
import { sha256Hex } from '../integrity/sha256.js';
import { downloadEngineFile, readEngineFile, type EngineFileDownload } from './engine-file-download.js';

/**
 * Where the engine compiles a .wasm from: its URL (the engine fetches it, and the browser's HTTP
 * cache answers), bytes we hand it, or a first visit's one download.
 */
export type WasmSource = { url: string } | { bytes: ArrayBuffer } | FirstDownload;

/**
 * A first visit: the engine's own fetch of `url` must get `response()` (engine-fetch-tap.ts), the
 * one download, which it compiles by streaming while this side checks and keeps its other branch.
 */
export interface FirstDownload {
  url: string;
  /**
   * The download, begun when the engine's fetch asks for it: begun earlier, its 14 MB arrived
   * while onnxruntime-web was still importing its glue on the same thread, and held that import
   * (and so the compile) back by ~0.3 s (bench/cold-start-trace.ts).
   */
  response: () => Promise<Response>;
  /**
   * Reads and checks the other branch (begun as the engine's fetch is answered, so it runs beside
   * the compile): resolves once the bytes match, and rejects (IntegrityError, or the download's
   * own error) when they do not. The engine hands out no session before it resolves; once it
   * rejects, the runtime compiled from that response was never checked and must not be used.
   */
  verify(): Promise<void>;
}

export interface EngineFileCache {
  /** How the engine gets a .wasm file: see WasmSource; bytes are verified, and kept on the device. */
  wasm(url: string, sha256?: string): Promise<WasmSource>;
  /** A URL to import the glue .mjs from: itself when reachable, else a blob: URL of the cached copy. */
  glue(url: string): Promise<string>;
  /**
   * Starts writing the device copies a first visit deferred (see `firstDownload`): the host calls
   * it once the worker pauses (no load or predict in flight). Never rejects (keeping a copy is best
   * effort); resolves when they are written.
   */
  flush(): Promise<void>;
  /** Whether copies wait for `flush()`. */
  pending(): boolean;
}

const HASH_HEADER = 'x-edgeserve-sha256';

/**
 * A first visit's .wasm copy is written once the worker pauses (the host calls `flush`), since
 * writing 14 MB into Cache Storage while the engine compiles and opens its session took that first
 * prediction from 1.16x to 1.30x of bare onnxruntime-web's in a worker (silero-vad, WASM x1, n = 5,
 * 2 cores). A worker that never pauses (predicts back to back) writes it this long after the check.
 */
const FLUSH_BY_MS = 30_000;

/** A cached response the engine's own fetch will take without the network for at least this long. */
const FRESH_FOR_MS = 60_000;

/** Hex SHA-256 as a Subresource Integrity string. */
function integrityOf(sha256: string): string {
  return `sha256-${btoa(String.fromCharCode(...(sha256.match(/../g) ?? []).map((byte) => parseInt(byte, 16))))}`;
}

const RESPONSE_HEADER = 'x-edgeserve-response';

/**
 * What tells one HTTP response from another at the same URL: a cache entry with the same
 * validators and `Date` is the very response that was hashed (a refetch or a revalidation
 * changes them). Undefined when the response carries neither an ETag nor a Date.
 */
function responseIdentity(headers: Headers): string | undefined {
  const [etag, date, modified, length] = ['etag', 'date', 'last-modified', 'content-length'].map((h) => headers.get(h) ?? '');
  return etag || date ? [etag, date, modified, length].join('|') : undefined;
}

/** Whether a response the HTTP cache holds is fresh (max-age not yet spent) for a while yet. */
function freshFor(response: Response, ms: number): boolean {
  const control = response.headers.get('cache-control') ?? '';
  if (/no-cache|no-store/i.test(control)) return false;
  const maxAge = /(?:^|[\s,])max-age=(\d+)/i.exec(control);
  if (!maxAge) return false;
  const date = Date.parse(response.headers.get('date') ?? '');
  const age = Number(response.headers.get('age') ?? 0) * 1000 + (Number.isNaN(date) ? 0 : Math.max(0, Date.now() - date));
  return Number(maxAge[1]) * 1000 - age > ms;
}

/** Whether `url` is on the page's (the worker's) own origin; never in Node. */
function ownOrigin(url: string): boolean {
  const here = globalThis.location?.origin;
  return !!here && new URL(url).origin === here;
}

/** Undefined where there is no Cache Storage (Node, an insecure context): the engines then fetch by URL. */
export function openEngineFileCache(
  name = 'edgeserve-engines',
  storage: CacheStorage | undefined = globalThis.caches,
  fetchImpl: typeof fetch = (u, i) => fetch(u, i),
): EngineFileCache | undefined {
  if (!storage) return undefined;
  const cache = () => storage.open(name);

  /** The device copy of `url`, if there is one (its body not yet read). */
  const deviceCopyOf = async (url: string): Promise<Response | undefined> => (await cache()).match(url).catch(() => undefined);

  /** The device copy's bytes if they still match; a mismatching copy is dropped. */
  async function checkedCopy(url: string, hit: Response | undefined, expected: string | undefined): Promise<ArrayBuffer | undefined> {
    if (!hit) return undefined;
    const bytes = await hit.arrayBuffer();
    const actual = await sha256Hex(new Uint8Array(bytes));
    if (actual === (expected ?? hit.headers.get(HASH_HEADER))) return bytes;
    await (await cache()).delete(url);
    return undefined;
  }

  /**
   * Whether the browser's HTTP cache holds a fresh copy of a same-origin URL (one the engine's
   * own fetch will take without the network, offline too) that is known to be right: the very
   * response whose bytes were hashed (`identity`), or bytes the browser checks against
   * `integrity` (which reads them all). `only-if-cached` never goes to the network.
   */
  async function inHttpCache(url: string, check: { identity?: string; integrity?: string }): Promise<boolean> {
    if (!ownOrigin(url)) return false;
    try {
      const response = await fetchImpl(url, { cache: 'only-if-cached', mode: 'same-origin', ...(check.integrity ? { integrity: check.integrity } : {}) });
      await response.body?.cancel();
      const same = check.identity === undefined || responseIdentity(response.headers) === check.identity;
      return response.ok && same && freshFor(response, FRESH_FOR_MS);
    } catch {
      return false;
    }
  }

  /**
   * Writes a checked file's device copy, with the response it was hashed from; resolves once it
   * is written. Best effort: a full quota only costs the next visit a download. (A Response
   * copies the bytes it is given.)
   */
  function keep(url: string, file: EngineFileDownload): Promise<void> {
    const identity = responseIdentity(file.headers);
    const headers = { [HASH_HEADER]: file.sha256, ...(identity ? { [RESPONSE_HEADER]: identity } : {}) };
    return cache()
      .then((c) => c.put(url, new Response(file.bytes, { headers })))
      .catch(() => undefined);
  }

  /** Device copies waiting for `flush()`, or for FLUSH_BY_MS when nothing calls it. */
  const deferred: Array<() => Promise<void>> = [];
  function later(write: () => Promise<void>): void {
    deferred.push(write);
    setTimeout(() => void flush(), FLUSH_BY_MS);
  }
  /** Writes under way: a second flush (the worker about to end) waits for the first one's too. */
  const writing = new Set<Promise<void>>();
  function flush(): Promise<void> {
    for (const write of deferred.splice(0)) {
      const done = write().finally(() => writing.delete(done));
      writing.add(done);
    }
    return Promise.all(writing).then(() => undefined);
  }

  /**
   * A first visit to an engine on another origin (a CDN): one download, begun when the engine's
   * own fetch asks for it, and checked before any session is handed out. The engine
   * streams its compile from a clone (as onnxruntime-web alone does, so V8 writes its code cache
   * for the next visit) while the original is read and checked alongside; its device copy is
   * written once the worker pauses (`flush`). Before, the engine waited for the whole
   * download, its hash and a probe of the HTTP cache, then compiled: on silero-vad's cold visit
   * (WASM x1, bench/cold-start-ab.ts, n = 7) the first prediction took 1.41-1.55x of bare
   * onnxruntime-web's in a worker, now 1.16-1.21x.
   */
  function firstDownload(url: string, sha256: string | undefined): FirstDownload {
    let fetched: Promise<{ response: Response; forEngine: Response }> | undefined;
    let verified: Promise<void> | undefined;
    const verify = () =>
      (verified ??= download().then(async ({ response }) => {
        const file = await readEngineFile(response, url, sha256);
        later(() => keep(url, file));
      }));
    const download = () => (fetched ??= fetchImpl(url).then((response) => ({ response, forEngine: response.clone() })));
    return {
      url,
      response: () => {
        // Read and checked alongside the engine's compile (whose session waits for it).
        verify().catch(() => undefined);
        return download().then((f) => f.forEngine);
      },
      verify,
    };
  }

  /**
   * A first visit to an engine served from the page's own origin: the engine fetches and compiles
   * it as onnxruntime-web alone does, and its device copy is read back from the HTTP cache
   * (`force-cache`: no request while it is there) and checked against the build's hash once the
   * worker pauses; a copy that does not match is not kept. No check comes before the compile
   * here, by decision: the file comes from the server that serves this worker's own code, so a
   * check against a hash in that code guards against nothing that code does not (the device copy
   * is what the hash keeps sound, and it is checked on every later use). Reading a second branch
   * of the download beside the compile had cost a first visit's first prediction 0.14x of
   * onnxruntime-web's in a worker (cold silero-vad x1, bench/cold-start-ab.ts, n = 9: 1.25x with
   * it, 1.11x without).
   * Where the HTTP cache did not keep the file, it is downloaded again for the device copy, still
   * once the worker pauses (after the load, and after the first prediction when the app makes it
   * at once): a private window's HTTP cache lives in memory and keeps no file
   * over 1/8 of its 50 MB (Chromium's MemBackendImpl; onnxruntime-web's .wasm is 11-25 MB), nor
   * does any cache keep a `no-store` response. Decision: offline after one online visit (the
   * reason this cache exists) is worth a second download there; onnxruntime-web alone downloads
   * it again on every visit of such a window, edgeserve on none after the first.
   */
  function ownOriginFirstVisit(url: string, sha256: string | undefined): WasmSource {
    later(() =>
      downloadEngineFile(url, sha256, (u, i) => fetchImpl(u, { ...i, cache: 'force-cache' }))
        .then((file) => keep(url, file))
        .catch(() => undefined),
    );
    return { url };
  }

  return {
    // V8 keeps the machine code of a .wasm compiled by streaming from a URL in the HTTP cache's
    // entry (its code cache), and a later visit that compiles the same response skips Liftoff and
    // TurboFan: the first prediction of a warm visit no longer pays for compiling the engine's
    // kernels (the bench's phase table, silero-vad ×1 warm: `ready` → first prediction 16 ms with
    // the code cache, 125 ms without). Bytes handed to the engine never get that cache (V8 caches
    // only a streamed compile of a response with a URL), so bytes are only the way when the
    // browser cannot serve the URL.
    async wasm(url, sha256) {
      // One lookup serves both ways: the copy's recorded response (headers only), and its bytes.
      const kept = await deviceCopyOf(url);
      const identity = kept?.headers.get(RESPONSE_HEADER) ?? undefined;
      // The HTTP cache's entry is the response the device copy was hashed from; or, for a copy
      // kept before its response was recorded, the browser checks it against the hash the build
      // recorded, and the device copy is taken again from it. With no device copy at all, the
      // first download below goes through the HTTP cache anyway.
      const check = identity ? { identity } : kept && sha256 ? { integrity: integrityOf(sha256) } : undefined;
      if (check && (await inHttpCache(url, check))) {
        // The device copy for offline visits, taken again (from the HTTP cache) with its response.
        if (!identity)
          void downloadEngineFile(url, sha256, fetchImpl)
            .then((file) => keep(url, file))
            .catch(() => undefined);
        return { url };
      }
      const fromDevice = await checkedCopy(url, kept, sha256);
      if (fromDevice) return { bytes: fromDevice };
      return ownOrigin(url) ? ownOriginFirstVisit(url, sha256) : firstDownload(url, sha256);
    },
    async glue(url) {
      const kept = await deviceCopyOf(url);
      if (!kept) {
        // A first visit: the engine imports it from the network (then the HTTP cache, where the
        // device copy is taken from later). Fetched here first, it held the engine's import back
        // by a second request (~0.14 s in bench/cold-start-trace.ts).
        later(() =>
          downloadEngineFile(url, undefined, fetchImpl)
            .then((file) => keep(url, file))
            .catch(() => undefined),
        );
        return url;
      }
      try {
        void keep(url, await downloadEngineFile(url, undefined, fetchImpl));
        return url;
      } catch (error) {
        if (error instanceof IntegrityError) throw error;
        const bytes = await checkedCopy(url, kept, undefined);
        if (!bytes) throw error;
        return URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));
      }
    },
    flush,
    pending: () => deferred.length > 0,
  };
}
