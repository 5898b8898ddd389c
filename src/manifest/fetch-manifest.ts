/**
 * Where the manifest is fetched: once per worker, again when asked for fresh (background
 * checks, `refresh`). A failed fetch is forgotten, so the next call tries again instead of
 * failing forever.
 */
import { DownloadFailedError } from '../errors.js';
import type { FetchLike } from '../net/download.js';
import { whyFetchFailed } from '../net/fetch-failure.js';
import type { Manifest } from './schema.js';
import { validateManifest } from './validate.js';

export interface ManifestSource {
  /** The manifest; `fresh` fetches it again. */
  get(fresh?: boolean): Promise<Manifest>;
}

async function fetchManifest(url: string, fetchImpl: FetchLike): Promise<Manifest> {
  let response: Response;
  try {
    // no-cache: revalidate with the server when online, so a new manifest is seen at once.
    response = await fetchImpl(url, { cache: 'no-cache' });
  } catch (error) {
    const failure = await whyFetchFailed(url, error, undefined, fetchImpl);
    throw new DownloadFailedError(`could not fetch the manifest: ${failure.message}`, { url, kind: 'manifest', ...(failure.cors ? { cors: true } : {}) });
  }
  if (!response.ok) throw new DownloadFailedError(`could not fetch the manifest ${url}: HTTP ${response.status}`, { url, status: response.status, kind: 'manifest' });
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  return validateManifest(json);
}

export function manifestSource(url: string, fetchImpl: FetchLike): ManifestSource {
  let cached: Promise<Manifest> | undefined;
  return {
    get(fresh = false) {
      if (fresh || !cached) {
        const fetched = fetchManifest(url, fetchImpl);
        fetched.catch(() => {
          if (cached === fetched) cached = undefined;
        });
        cached = fetched;
      }
      return cached;
    },
  };
}
