/**
 * The engines' own files kept on the device (Cache Storage), so an app that has no service
 * worker still runs its models offline after one online visit, and checked by SHA-256 (as
 * transformers.js does with onnxruntime-web's binary): against the hash the package build
 * recorded when there is one (the .wasm; this also checks a CDN's copy), else against the hash
 * taken when the file was first cached, so a corrupted entry is never used.
 * - The .wasm is read cache-first and handed to the engine as bytes (no second download).
 * - The small .mjs glue is fetched from the network when it answers (the engine then imports the
 *   same URL); only when the network fails is it served from the cache as a blob: URL.
 */
import { IntegrityError } from '../errors.js';
import { sha256Hex } from '../store/sha256.js';

export interface EngineFileCache {
  /** The bytes of a .wasm file, from the cache or fetched, verified, and cached. */
  wasm(url: string, sha256?: string): Promise<ArrayBuffer>;
  /** A URL to import the glue .mjs from: itself when reachable, else a blob: URL of the cached copy. */
  glue(url: string): Promise<string>;
}

const HASH_HEADER = 'x-edgeserve-sha256';

async function checked(url: string, bytes: ArrayBuffer, expected: string | undefined): Promise<string> {
  const actual = await sha256Hex(new Uint8Array(bytes));
  if (expected && actual !== expected) {
    throw new IntegrityError(`the engine file ${url} does not match its SHA-256 (expected ${expected}, got ${actual})`, { url, expected, actual });
  }
  return actual;
}

/** Undefined where there is no Cache Storage (Node, an insecure context): the engines then fetch by URL. */
export function openEngineFileCache(name = 'edgeserve-engines', storage: CacheStorage | undefined = globalThis.caches, fetchImpl: typeof fetch = (u, i) => fetch(u, i)): EngineFileCache | undefined {
  if (!storage) return undefined;
  const cache = () => storage.open(name);

  /** A cached entry whose bytes still match; a mismatching one is dropped. */
  async function cached(url: string, expected: string | undefined): Promise<ArrayBuffer | undefined> {
    const hit = await (await cache()).match(url);
    if (!hit) return undefined;
    const bytes = await hit.arrayBuffer();
    const actual = await sha256Hex(new Uint8Array(bytes));
    if (actual === (expected ?? hit.headers.get(HASH_HEADER))) return bytes;
    await (await cache()).delete(url);
    return undefined;
  }

  async function download(url: string, expected: string | undefined): Promise<ArrayBuffer> {
    const response = await fetchImpl(url);
    if (!response.ok) throw new Error(`could not fetch the engine file ${url}: HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    const hash = await checked(url, bytes, expected);
    // Best effort: a full quota only costs the next visit a download.
    await (await cache()).put(url, new Response(bytes.slice(0), { headers: { [HASH_HEADER]: hash } })).catch(() => undefined);
    return bytes;
  }

  return {
    async wasm(url, sha256) {
      return (await cached(url, sha256)) ?? download(url, sha256);
    },
    async glue(url) {
      try {
        await download(url, undefined);
        return url;
      } catch (error) {
        if (error instanceof IntegrityError) throw error;
        const bytes = await cached(url, undefined);
        if (!bytes) throw error;
        return URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));
      }
    },
  };
}
