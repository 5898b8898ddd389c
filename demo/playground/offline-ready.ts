/**
 * Whether this page would really work offline now, checked rather than assumed. workbox's
 * "offline ready" says only that the precache is installed; a reload offline also needs the
 * service worker to control the page (a first page is controlled only once the worker claims
 * it), the manifest in the worker's cache (the runtime worker started before the claim, so its
 * manifest fetch went past the service worker) and the comparison's models in the model store.
 */
import type { Precision, Runtime } from '../../src/index.js';

export const MANIFEST_CACHE = 'edgeserve-manifest';

export interface OfflineState {
  ready: boolean;
  /** What is still missing, in words (for the page's title attribute and for tests). */
  missing: string[];
}

export interface NeededModel {
  id: string;
  precision: Precision;
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

export async function checkOffline(runtime: Runtime, manifestUrl: string, needed: NeededModel[], nav: Navigator = navigator): Promise<OfflineState> {
  const missing: string[] = [];
  if (!nav.serviceWorker?.controller) missing.push('the service worker does not control this page yet');
  else if (!(await manifestCached(manifestUrl, nav.onLine))) missing.push('the manifest is not cached');
  const stored = await runtime.cache.list().catch(() => []);
  for (const { id, precision } of needed) {
    if (!stored.some((m) => m.id === id && m.precision === precision)) missing.push(`${id} (${precision}) is not stored`);
  }
  if (needed.length === 0) missing.push('no model chosen');
  return { ready: missing.length === 0, missing };
}
