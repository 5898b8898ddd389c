/**
 * The models this host serves, by handle, and the Web Locks that tell other tabs a stored
 * version is in use (so their eviction skips it).
 */
import { heldLockNames } from '../locks/web-locks.js';
import type { Precision } from '../manifest/schema.js';
import type { CachedModel } from '../protocol.js';
import { entryName } from '../store/eviction.js';
import type { ServedModel } from './served-model.js';

type EntryRef = Pick<CachedModel, 'id' | 'version' | 'precision'>;

export class ServedModels {
  private readonly byHandle = new Map<string, ServedModel>();

  constructor(private readonly storeName: string) {}

  get(handle: string): ServedModel | undefined {
    return this.byHandle.get(handle);
  }

  add(handle: string, served: ServedModel): void {
    this.byHandle.set(handle, served);
  }

  delete(handle: string): boolean {
    return this.byHandle.delete(handle);
  }

  all(): ServedModel[] {
    return [...this.byHandle.values()];
  }

  /** Copies that follow the device's pointer (no explicit version) for a model and precision. */
  following(id: string, precision: Precision): ServedModel[] {
    return this.all().filter((s) => s.info.id === id && s.info.precision === precision && s.request.version === undefined);
  }

  /** The shared lock a served model holds, so no tab evicts it. */
  inUseLock = (entry: EntryRef): string => `edgeserve-in-use:${this.storeName}:${entryName(entry)}`;

  /** Whether any tab (this one included) serves the stored version. */
  inUse = async (entry: EntryRef): Promise<boolean> =>
    (await heldLockNames()).has(this.inUseLock(entry)) ||
    this.all().some((s) => s.info.id === entry.id && s.info.version === entry.version && s.info.precision === entry.precision);
}
