/**
 * Whether this page would really work offline now, checked rather than assumed. workbox's
 * "offline ready" says only that the precache is installed; a reload offline also needs the
 * service worker to control the page (a first page is controlled only once the worker claims
 * it), the manifest in the worker's cache (the runtime worker started before the claim, so its
 * manifest fetch went past the service worker), the comparison's models in the model store, and
 * the onnxruntime-web files it ran on in the runtime's engine-file cache (not precached).
 */
import type { Precision, Runtime } from '../../src/index.js';
import { ORT_FLAVOUR_STEMS } from '../../src/engines/engine-files.js';

export const MANIFEST_CACHE = 'edgeserve-manifest';
/** Where the runtime keeps the engine files it ran (openEngineFileCache's default name, src/engines/engine-file-cache.ts). */
export const ENGINE_FILE_CACHE = 'edgeserve-engines';

export interface OfflineState {
  ready: boolean;
  /** What is still missing, in words (for the page's title attribute and for tests). */
  missing: string[];
}

export interface NeededModel {
  id: string;
  precision: Precision;
}

/** What a loaded model ran on (its ModelInfo's engine and backend). */
export interface EngineUse {
  engine: string;
  backend: string;
}

/** onnxruntime-web's files under `base` a use ran on: the plain WASM flavour, or JSEP for WebGPU (src/engines/onnx.ts). */
export function ortFilesFor(use: EngineUse, base: string): string[] {
  if (use.engine !== 'onnx') return [];
  const name = use.backend === 'webgpu' ? ORT_FLAVOUR_STEMS.jsep : ORT_FLAVOUR_STEMS.wasm;
  return [`${base}ort/${name}.wasm`, `${base}ort/${name}.mjs`];
}

/**
 * The URLs not yet in the runtime's engine-file cache. It writes its copy while the engine
 * compiles (best effort, ~0.1 s for 14 MB), so a missing copy is looked for a few times.
 */
async function enginesMissing(urls: string[]): Promise<string[]> {
  const missing = async () => {
    const cache = await caches.open(ENGINE_FILE_CACHE);
    const found = await Promise.all(urls.map(async (url) => (await cache.match(url)) !== undefined));
    return urls.filter((_, i) => !found[i]);
  };
  let left = await missing();
  for (let i = 0; i < 30 && left.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = await missing();
  }
  return left;
}

async function manifestCached(url: string, online: boolean): Promise<boolean> {
  const cached = async () => (await caches.match(url, { cacheName: MANIFEST_CACHE })) !== undefined;
  if (await cached()) return true;
  if (!online) return false;
  // Through the now-controlling service worker: its network-first route keeps a copy. workbox
  // writes that copy in the fetch event's waitUntil, after the response has reached the page, so
  // the copy is looked for a few times before it is called missing.
  await fetch(url, { cache: 'no-cache' }).catch(() => undefined);
  for (let i = 0; i < 20; i++) {
    if (await cached()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export async function checkOffline(runtime: Runtime, manifestUrl: string, needed: NeededModel[], engineFiles: string[] = [], nav: Navigator = navigator): Promise<OfflineState> {
  const missing: string[] = [];
  if (!nav.serviceWorker?.controller) missing.push('the service worker does not control this page yet');
  else if (!(await manifestCached(manifestUrl, nav.onLine))) missing.push('the manifest is not cached');
  const stored = await runtime.cache.list().catch(() => []);
  for (const { id, precision } of needed) {
    if (!stored.some((m) => m.id === id && m.precision === precision)) missing.push(`${id} (${precision}) is not stored`);
  }
  if (needed.length === 0) missing.push('no model chosen');
  for (const url of await enginesMissing([...new Set(engineFiles)])) missing.push(`the engine file ${url} is not on this device`);
  return { ready: missing.length === 0, missing };
}
