/**
 * Getting a variant's bytes: from the store when it has a sound copy, else downloaded (with
 * progress and SHA-256 checks) and then stored in one transaction. A store that cannot take
 * the model (quota) does not stop the load: the model runs from memory and `stored` says so.
 */
import type { Selection } from '../manifest/select.js';
import type { LoadProgress } from '../protocol.js';
import { downloadFile, type FetchLike } from '../store/download.js';
import type { ModelStore } from '../store/model-store.js';
import { EdgeServeError } from '../errors.js';
import type { ModelFile } from '../engines/engine.js';

export interface FetchedVariant {
  files: ModelFile[];
  fromCache: boolean;
  stored: boolean;
  storeError?: string;
}

export async function fetchVariant(
  selection: Selection,
  manifestUrl: string,
  store: ModelStore,
  progress: (p: Omit<LoadProgress, 'id'>) => void,
  fetchImpl?: FetchLike,
): Promise<FetchedVariant> {
  const key = { id: selection.model.id, version: selection.version.version, precision: selection.variant.precision };
  const entries = selection.variant.files;
  const total = entries.reduce((n, f) => n + f.bytes, 0);
  const urls = entries.map((f) => new URL(f.url, manifestUrl).href);

  progress({ phase: 'cache', loaded: 0, total });
  const cached = await store.read(key);
  if (cached && cached.length === entries.length) {
    return { files: cached.map((bytes, i) => ({ url: urls[i]!, bytes })), fromCache: true, stored: true };
  }

  const files: ModelFile[] = [];
  let before = 0;
  for (const [i, entry] of entries.entries()) {
    const url = urls[i]!;
    const bytes = await downloadFile(url, entry, (received) => progress({ phase: 'download', loaded: before + received, total, file: url }), fetchImpl);
    files.push({ url, bytes });
    before += entry.bytes;
  }
  progress({ phase: 'store', loaded: total, total });
  try {
    await store.write(
      key,
      files.map((f, i) => ({ url: f.url, sha256: entries[i]!.sha256, bytes: f.bytes })),
    );
    return { files, fromCache: false, stored: true };
  } catch (error) {
    const storeError = error instanceof EdgeServeError ? error.message : String(error);
    return { files, fromCache: false, stored: false, storeError };
  }
}
