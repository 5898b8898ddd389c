/**
 * The engines' own files kept on the device (Cache Storage), so an app that has no service
 * worker still runs its models offline after one online visit, and checked by SHA-256 (as
 * transformers.js does with onnxruntime-web's binary): against the hash the package build
 * recorded when there is one (the .wasm; this also checks a CDN's copy), else against the hash
 * taken when the file was first cached, so a corrupted entry is never used.
 * - The .wasm is compiled by streaming from its URL whenever the browser's HTTP cache holds a
 *   fresh copy known to be right: on a returning visit, and on a first visit once the one
 *   download (hashed as it arrives) is in it (see `wasm`). Otherwise the checked bytes are handed
 *   to the engine, so the file is never downloaded twice.
 * - The small .mjs glue is fetched from the network when it answers (the engine then imports the
 *   same URL); only when the network fails is it served from the cache as a blob: URL.
 */
import { IntegrityError } from '../errors.js';
import { sha256Hex } from '../integrity/sha256.js';
import { downloadEngineFile } from './engine-file-download.js';

/**
 * Where the engine compiles a .wasm from: its URL (the engine fetches it, and the browser's HTTP
 * cache or the network answers), or bytes we hand it. After a download, `deviceCopy` settles once
 * the checked copy is written to the device (it never rejects: keeping the copy is best effort).
 */
export type WasmSource = ({ url: string } | { bytes: ArrayBuffer }) & {
  deviceCopy?: Promise<void>;
  /**
   * Set when the engine compiles from the network while the file is checked here: it resolves
   * once the bytes match, and rejects (IntegrityError, or the download's own error) when they do
   * not. The engine opens no session before it resolves; once it rejects, the runtime the engine
   * compiled from that URL was never checked and must not be used.
   */
  verified?: Promise<void>;
};

export interface EngineFileCache {
  /** How the engine gets a .wasm file: see WasmSource; bytes are verified, and kept on the device. */
  wasm(url: string, sha256?: string): Promise<WasmSource>;
  /** A URL to import the glue .mjs from: itself when reachable, else a blob: URL of the cached copy. */
  glue(url: string): Promise<string>;
}

const HASH_HEADER = 'x-edgeserve-sha256';

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
    const here = globalThis.location?.origin;
    if (!here || new URL(url).origin !== here) return false;
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
   * Fetches and checks a file (hashed as it arrives: engine-file-download.ts); resolves once it
   * matches, with its device copy being written meanwhile (`kept`), so nothing waits for 14 MB to
   * reach Cache Storage (~0.1 s on a cold visit).
   */
  async function download(url: string, expected: string | undefined): Promise<{ kept: Promise<void>; bytes: ArrayBuffer; identity: string | undefined }> {
    const fetched = await downloadEngineFile(url, expected, fetchImpl);
    const identity = responseIdentity(fetched.headers);
    const headers = { [HASH_HEADER]: fetched.sha256, ...(identity ? { [RESPONSE_HEADER]: identity } : {}) };
    // Best effort: a full quota only costs the next visit a download. (A Response copies the
    // bytes it is given.)
    const kept = cache()
      .then((c) => c.put(url, new Response(fetched.bytes, { headers })))
      .catch(() => undefined);
    return { kept, bytes: fetched.bytes, identity };
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
      // The HTTP cache's entry is the response the device copy was hashed from; or, with no
      // device copy (or one kept before its response was recorded), the browser checks it
      // against the hash the build recorded, and the device copy is taken again from it.
      const check = identity ? { identity } : sha256 ? { integrity: integrityOf(sha256) } : undefined;
      if (check && (await inHttpCache(url, check))) {
        // The device copy for offline visits, taken again (from the HTTP cache) with its response.
        if (!identity) void download(url, sha256).catch(() => undefined);
        return { url };
      }
      const fromDevice = await checkedCopy(url, kept, sha256);
      if (fromDevice) return { bytes: fromDevice };
      // A first visit: one download, hashed as it arrives and kept on the device; then the engine
      // compiles by streaming from the HTTP cache's copy of that very response when the browser
      // holds it (V8 writes its code cache there, so the next visit deserialises instead of
      // compiling 14 MB again), else from the checked bytes. Streaming from the network while the
      // same response was read here (175461f) relied on the HTTP cache joining two requests for
      // one URL; it did not in a fresh app built by webpack nor from a CDN origin (the packed-
      // tarball specs saw 28 MB, two downloads), and the byte budget matters more than the
      // overlap. Handing over the bytes always (7fcf412) gave no code cache at all.
      const fetched = await download(url, sha256);
      if (fetched.identity && (await inHttpCache(url, { identity: fetched.identity }))) return { url, deviceCopy: fetched.kept };
      return { bytes: fetched.bytes, deviceCopy: fetched.kept };
    },
    async glue(url) {
      try {
        await (await download(url, undefined)).kept;
        return url;
      } catch (error) {
        if (error instanceof IntegrityError) throw error;
        const bytes = await checkedCopy(url, await deviceCopyOf(url), undefined);
        if (!bytes) throw error;
        return URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));
      }
    },
  };
}
