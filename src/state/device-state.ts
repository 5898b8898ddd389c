/**
 * What a device remembers beside its model bytes: which version it serves of each model and
 * precision (the version pointer, with rollback history), its random identity for rollout
 * cohorts, and the backend `auto` measured fastest for a stored version.
 *
 * Every tab of an origin reads and writes these, so each change is one read-modify-write in one
 * IndexedDB readwrite transaction: IndexedDB serialises readwrite transactions on the same
 * store, so two tabs that both make a device id, or a rollback racing an upgrade in another tab,
 * each see what the other committed instead of overwriting it. The records live in the model
 * store's database and object store, under their own keys (`pointer/…`, `device-id`,
 * `backend-choice/…`), as they always have: devices keep their pointers and cohorts.
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { StorageFailedError } from '../errors.js';
import type { Cohort } from '../manifest/rollout.js';
import type { ModelFormat, Precision } from '../manifest/schema.js';
import type { EntryKey } from '../store/model-store.js';

/** Which stored version a device serves for a model and precision. */
export interface VersionPointer {
  current: string;
  previous?: string;
  /** Versions rolled back from: never upgraded to again automatically. */
  rejected?: string[];
  /** The rollout cohort the current version was chosen in, if any. */
  cohort?: Cohort;
  /**
   * The current version's format, so a warm load can start its engine while the stored bytes
   * are read and checked. Absent from pointers written before it was recorded (the engine then
   * starts after the read); a value this version does not know is only a hint and is ignored.
   */
  format?: ModelFormat;
}

/** What `auto` measured at a version's first load here (src/host/backend-resolver.ts). */
export interface MeasuredBackend {
  backend: 'webgpu' | 'wasm';
  /** Median warm-up run time per backend that could run the model (ms). */
  measured: Partial<Record<'webgpu' | 'wasm', number>>;
  /** A backend that could not open or run this version here, and why: not tried again. */
  failed?: Partial<Record<'webgpu' | 'wasm', string>>;
  measuredAt: number;
}

/** A pointer change: given the pointer as committed now (any tab), the one to write. */
export type PointerChange = (current: VersionPointer | undefined) => VersionPointer;

export interface DeviceState {
  pointer(id: string, precision: Precision): Promise<VersionPointer | undefined>;
  /** Reads and writes the pointer in one transaction; resolves to [before, after]. */
  updatePointer(id: string, precision: Precision, change: PointerChange): Promise<[VersionPointer | undefined, VersionPointer]>;
  /** A random id made on first use and kept: the device's identity for rollout cohorts. */
  deviceId(): Promise<string>;
  /** Best effort both ways: a lost choice costs one more measurement, never a failed load. */
  backendChoice(key: EntryKey): Promise<MeasuredBackend | undefined>;
  setBackendChoice(key: EntryKey, choice: MeasuredBackend): Promise<void>;
}

const DEVICE_ID_KEY = 'device-id';
const choiceKey = (k: EntryKey) => `backend-choice/${k.id}/${k.version}/${k.precision}`;
const pointerKey = (id: string, precision: Precision) => `pointer/${id}/${precision}`;

function isPointer(value: unknown): value is VersionPointer {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.current === 'string' &&
    (p.previous === undefined || typeof p.previous === 'string') &&
    (p.rejected === undefined || (Array.isArray(p.rejected) && p.rejected.every((r) => typeof r === 'string')))
  );
}

/** One readwrite transaction: read `key`, write what `change` makes of it, resolve once committed. */
function readModifyWrite<T>(idb: UseStore, key: string, change: (old: unknown) => { write?: T; result: T }): Promise<{ old: unknown; result: T }> {
  return idb(
    'readwrite',
    (store) =>
      new Promise((resolve, reject) => {
        const tx = store.transaction;
        const read = store.get(key);
        let outcome: { old: unknown; result: T } | undefined;
        read.onsuccess = () => {
          try {
            const made = change(read.result);
            outcome = { old: read.result, result: made.result };
            if (made.write !== undefined) store.put(made.write, key);
          } catch (error) {
            tx.abort();
            reject(error);
          }
        };
        tx.oncomplete = () => resolve(outcome!);
        tx.onabort = tx.onerror = () => reject(tx.error ?? read.error);
      }),
  );
}

/** IndexedDB fails with bare DOMExceptions (Chromium's quota one has an empty message): name the operation. */
async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const name = error instanceof DOMException || error instanceof Error ? error.name : '';
    const message = error instanceof Error && error.message ? `: ${error.message}` : '';
    throw new StorageFailedError(`the model store could not ${what} (${name || 'error'}${message})`, { quotaExceeded: name === 'QuotaExceededError' });
  }
}

export function openDeviceState(dbName = 'edgeserve', idb: UseStore = createStore(dbName, 'models')): DeviceState {
  // Used when the store cannot keep the id (quota, private mode): cohorts are then sticky for
  // this worker's life only, and loading never fails for want of a few bytes of metadata.
  let unsavedDeviceId: string | undefined;
  return {
    async pointer(id, precision) {
      const pointer = await guarded('read a version pointer', () => get<unknown>(pointerKey(id, precision), idb));
      // A damaged pointer is no pointer: the manifest's policy chooses again.
      return isPointer(pointer) ? pointer : undefined;
    },
    async updatePointer(id, precision, change) {
      const { old, result } = await guarded('save a version pointer', () =>
        readModifyWrite(idb, pointerKey(id, precision), (old) => {
          const next = change(isPointer(old) ? old : undefined);
          return { write: next, result: next };
        }),
      );
      return [isPointer(old) ? old : undefined, result];
    },
    async deviceId() {
      if (unsavedDeviceId) return unsavedDeviceId;
      const made = crypto.randomUUID();
      try {
        // Two first-visit tabs: the second transaction sees the first's id and keeps it.
        const { result } = await readModifyWrite(idb, DEVICE_ID_KEY, (old) => (typeof old === 'string' && old ? { result: old } : { write: made, result: made }));
        return result;
      } catch {
        const existing = await get<unknown>(DEVICE_ID_KEY, idb).catch(() => undefined);
        if (typeof existing === 'string' && existing) return existing;
        unsavedDeviceId = made;
        return made;
      }
    },
    backendChoice: (key) => get<MeasuredBackend>(choiceKey(key), idb).catch(() => undefined),
    setBackendChoice: (key, choice) => set(choiceKey(key), choice, idb).catch(() => undefined),
  };
}

/** The version a pointer would keep as "previous" if it moved to `version`. */
export function previousOf(pointer: VersionPointer | undefined, version: string): string | undefined {
  return pointer && pointer.current !== version ? pointer.current : pointer?.previous;
}

/**
 * Points the device at `version`; the version it served until now becomes "previous" (returned).
 * Read and written in one transaction: another tab's rollback (its `rejected`) is kept.
 */
export async function advancePointer(
  state: Pick<DeviceState, 'updatePointer'>,
  id: string,
  precision: Precision,
  version: string,
  format: ModelFormat,
  cohort?: Cohort,
): Promise<string | undefined> {
  const [old] = await state.updatePointer(id, precision, (old) => {
    const previous = previousOf(old, version);
    return {
      current: version,
      ...(previous ? { previous } : {}),
      ...(old?.rejected ? { rejected: old.rejected } : {}),
      ...(cohort ? { cohort } : {}),
      format,
    };
  });
  return previousOf(old, version);
}

/** The same contract in memory: for hosts without IndexedDB and for tests. */
export function createMemoryDeviceState(): DeviceState {
  const pointers = new Map<string, VersionPointer>();
  const choices = new Map<string, MeasuredBackend>();
  const device = crypto.randomUUID();
  return {
    pointer: async (id, precision) => pointers.get(pointerKey(id, precision)),
    async updatePointer(id, precision, change) {
      const old = pointers.get(pointerKey(id, precision));
      const next = change(old);
      pointers.set(pointerKey(id, precision), next);
      return [old, next];
    },
    deviceId: async () => device,
    backendChoice: async (key) => choices.get(choiceKey(key)),
    setBackendChoice: async (key, choice) => void choices.set(choiceKey(key), choice),
  };
}
