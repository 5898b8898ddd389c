/**
 * `load`, in three steps with a file each: choose the bytes (warm from the store, cold from the
 * manifest, heal: choose-bytes.ts), open a session on the resolved backend (open-session.ts),
 * register the served model (register-served.ts). A warm load serves the stored version at once
 * (stale-while-revalidate) and checks the manifest in the background (upgrade.ts), which
 * compares the stored copy's SHA-256 with the manifest's and suspends a copy that differs until
 * the sound one is switched in. `info().repaired` says what was replaced on the way and why.
 */
import { EdgeServeError, ModelTooLargeError } from '../errors.js';
import type { LoadProgress, ModelInfo, WorkerLoadRequest } from '../protocol.js';
import { chooseBytes, replaceRefused, type ChosenBytes } from './choose-bytes.js';
import type { StoreOutcome } from './fetch-variant.js';
import type { HostParts } from './host-parts.js';
import { openSession, type OpenedModel } from './open-session.js';
import { registerServed } from './register-served.js';
import { revalidate } from './upgrade.js';
import { replacesWorker, withWorkerReplaced } from './worker-replacement.js';

/**
 * Every backend refused to create a session (details.failures), not e.g. a tfjs backend
 * conflict: stored bytes that pass their hashes yet do not open would fail this way on every load.
 */
const bytesRefused = (error: unknown, chosen: ChosenBytes): error is EdgeServeError =>
  chosen.fetched.fromCache && error instanceof EdgeServeError && Array.isArray(error.details?.failures);

/**
 * A model served before the store finished writing it: when it has, its info says so (`stored`,
 * or `storeError`) and the page hears it as a switch of the same version, which updates
 * `model.info()` without an `onUpdate`. `settle()` waits for it (a disposed dedicated worker
 * lets it finish, within its bound).
 */
function followStore(parts: HostParts, handle: string, version: string, storing: Promise<StoreOutcome>): void {
  const done = storing.then((outcome) => {
    const served = parts.served.get(handle);
    // Unloaded meanwhile, or switched to another version: nothing to tell.
    if (served?.info.version !== version) return;
    const { storing: _done, storeError: _before, ...info } = served.info;
    served.info = { ...info, stored: outcome.stored, ...(outcome.storeError ? { storeError: outcome.storeError } : {}) };
    served.notify();
  });
  parts.storing.add(done);
  void done.finally(() => parts.storing.delete(done));
}

export async function loadModel(
  parts: HostParts,
  request: WorkerLoadRequest,
  signal: AbortSignal,
  onProgress?: (progress: LoadProgress) => void,
  onSwitch?: (info: ModelInfo) => void,
): Promise<ModelInfo> {
  const startedAt = performance.now();
  const precision = request.precision ?? 'fp32';
  const report = (p: Omit<LoadProgress, 'id'>) => onProgress?.({ id: request.id, ...p });
  report({ phase: 'manifest', loaded: 0, total: 0 });
  // Adapter detection (requestAdapter) runs while the store or the network is read.
  const detecting = parts.capabilities();
  detecting.catch(() => undefined); // awaited below; not an unhandled rejection if the read fails first
  const repaired: string[] = [];
  let chosen = await chooseBytes(parts, request, precision, report, signal, repaired);
  const detected = await detecting;
  const requested = request.backend ?? 'auto';
  const open = (c: ChosenBytes) => openSession(parts, c, { id: request.id, version: c.version, precision }, requested, detected, report);
  let model: OpenedModel;
  try {
    model = await open(chosen);
  } catch (error) {
    if (error instanceof ModelTooLargeError) {
      // Bytes this device can never open are not kept on its quota, nor read again on every visit.
      const kept = chosen.storing ? (await chosen.storing).stored : chosen.fetched.stored;
      if (kept) await parts.store.remove({ id: request.id, version: chosen.version, precision }).catch(() => undefined);
      // The engine's memory grew towards its limit and never shrinks: the page replaces this worker.
      throw replacesWorker(error) ? withWorkerReplaced(error) : error;
    }
    if (!bytesRefused(error, chosen)) throw error;
    chosen = await replaceRefused(parts, request, precision, chosen, error.message, report, signal, repaired);
    model = await open(chosen);
  }
  const info = registerServed(parts, { request, precision, chosen, model, repaired, startedAt, ...(onSwitch ? { onSwitch } : {}) });
  if (chosen.storing) followStore(parts, info.handle, info.version, chosen.storing);
  report({ phase: 'ready', loaded: info.bytes, total: info.bytes });
  if (chosen.warm) void revalidate(parts, request.id, precision).catch(() => undefined);
  return info;
}
