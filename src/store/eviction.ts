/**
 * Making room before a download is stored: ask `navigator.storage.estimate()`, and when the
 * model will not fit, evict least-recently-used models that no tab is serving. If it still will
 * not fit, the caller runs the model from memory for this session and says so.
 */
import type { CachedModel } from '../protocol.js';
import type { ModelStore } from './model-store.js';

export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
}

export type Estimate = () => Promise<StorageEstimateLike | undefined>;

export const defaultEstimate: Estimate = async () => globalThis.navigator?.storage?.estimate?.();

/** IndexedDB keeps some overhead per value; leave this much beyond the model's bytes. */
const HEADROOM = 1.1;
const SLACK_BYTES = 256 * 1024;

export const entryName = (e: Pick<CachedModel, 'id' | 'version' | 'precision'>) => `${e.id}@${e.version}/${e.precision}`;

export interface RoomResult {
  evicted: string[];
  /** False when even after eviction the estimate says the model will not fit. */
  fits: boolean;
  /** The model is larger than the whole quota: nothing was evicted, since nothing would help. */
  hopeless?: boolean;
  /** The origin's quota when the estimate gave one (bytes). */
  quota?: number;
}

export async function makeRoom(
  store: ModelStore,
  needed: number,
  inUse: (entry: CachedModel) => Promise<boolean> | boolean,
  estimate: Estimate = defaultEstimate,
  force = false,
): Promise<RoomResult> {
  const evicted: string[] = [];
  const free = async () => {
    const e = await estimate();
    return e?.quota === undefined ? Infinity : e.quota - (e.usage ?? 0);
  };
  const want = needed * HEADROOM + SLACK_BYTES;
  const quota = (await estimate())?.quota;
  if (quota !== undefined && quota < want) return { evicted, fits: false, hopeless: true, quota };
  if (!force && (await free()) >= want) return { evicted, fits: true };
  const candidates = (await store.list()).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  for (const entry of candidates) {
    if (await inUse(entry)) continue;
    await store.remove({ id: entry.id, version: entry.version, precision: entry.precision });
    evicted.push(entryName(entry));
    if (!force && (await free()) >= want) return { evicted, fits: true };
  }
  return { evicted, fits: (await free()) >= want };
}
