/**
 * A store whose every write is refused, as IndexedDB does when usage already exceeds the quota
 * (Chromium 156: an empty database alone is ~73 KB). Metadata writes must not fail a load, and
 * every failure that does reach the caller is a typed StorageFailedError, not a bare DOMException.
 */
import type { UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { StorageFailedError } from '../../src/errors.js';
import { openDeviceState } from '../../src/state/device-state.js';

/** idb-keyval's store contract over a Map, refusing every readwrite transaction. */
function fullStore(): UseStore {
  const data = new Map<IDBValidKey, unknown>();
  const request = <T>(value: T) => {
    const req = { result: value, onsuccess: null as null | (() => void) };
    setTimeout(() => req.onsuccess?.());
    return req as unknown as IDBRequest<T>;
  };
  const objectStore = {
    get: (key: IDBValidKey) => request(data.get(key)),
    getAllKeys: () => request([...data.keys()]),
  } as unknown as IDBObjectStore;
  return async (mode, callback) => {
    if (mode === 'readwrite') throw new DOMException('', 'QuotaExceededError');
    return callback(objectStore);
  };
}

describe('device state under a full quota', () => {
  it('still gives a device id, the same one for the life of the store', async () => {
    const state = openDeviceState('full', fullStore());
    const id = await state.deviceId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await state.deviceId()).toBe(id);
  });

  it('turns a refused write into STORAGE_FAILED naming the operation and the DOMException', async () => {
    const state = openDeviceState('full', fullStore());
    const error = await state.updatePointer('m', 'fp32', () => ({ current: '1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFailedError);
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', details: { quotaExceeded: true } });
    expect((error as Error).message).toMatch(/version pointer.*QuotaExceededError/);
  });
});
