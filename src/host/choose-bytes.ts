/**
 * Choosing a load's bytes. Warm: the version the device's pointer names, read from the store
 * (its engine started meanwhile). Cold: the version the manifest's policy and this device's
 * cohort choose, from the store or downloaded, verified and stored; the pointer then moves to
 * it. Heal: stored bytes that passed their hashes but that no backend could open are deleted and
 * fetched again, once.
 */
import type { ModelFile } from '../engines/engine.js';
import { chooseVersion, type Cohort } from '../manifest/rollout.js';
import { isModelFormat, type ModelEntry, type Precision, type VariantEntry } from '../manifest/schema.js';
import { findModel, findVariant } from '../manifest/select.js';
import type { LoadProgress, WorkerLoadRequest } from '../protocol.js';
import { advancePointer, previousOf } from '../state/device-state.js';
import type { EntryKey } from '../store/model-store.js';
import { planBackends, refuseTooLarge } from './backend-resolver.js';
import { warmEngine } from './engine-warmup.js';
import { fetchVariant, type FetchedVariant, type StoreOutcome } from './fetch-variant.js';
import type { HostParts } from './host-parts.js';
import { throttleProgress } from './progress-throttle.js';

export interface ChosenBytes {
  version: string;
  fetched: FetchedVariant;
  /** Read from the device's pointer (the warm path), not chosen from the manifest. */
  warm: boolean;
  cohort?: Cohort;
  previousVersion?: string;
  /** The engine's runtime starting while the model downloads or is read from the store (see engine-warmup.ts). */
  engineWarming?: Promise<void>;
  /**
   * A big download served before it is stored (fetch-variant.ts): settles with what the store
   * made of it, once the device's pointer has moved to it too (never rejects).
   */
  storing?: Promise<StoreOutcome>;
}

export type Report = (p: Omit<LoadProgress, 'id'>) => void;

type DownloadParts = Pick<HostParts, 'config' | 'store' | 'served' | 'fetch' | 'estimate'>;

/** A manifest variant's bytes: from the store, else downloaded, verified and stored. */
export function variantBytes(
  parts: DownloadParts,
  model: ModelEntry,
  version: string,
  variant: VariantEntry,
  progress: Report = () => undefined,
  signal?: AbortSignal,
  repaired: string[] = [],
  storeInBackgroundFrom?: number,
): Promise<FetchedVariant> {
  const { versions: _v, policy: _p, ...spec } = model;
  return fetchVariant(
    {
      key: { id: model.id, version, precision: variant.precision },
      spec,
      entries: variant.files,
      manifestUrl: parts.config.manifestUrl,
      store: parts.store,
      storeName: parts.config.storeName,
      progress,
      inUse: parts.served.inUse,
      fetchImpl: parts.fetch,
      estimate: parts.estimate,
      ...(signal ? { signal } : {}),
      ...(parts.config.downloadStallMs !== undefined ? { stallMs: parts.config.downloadStallMs } : {}),
      ...(storeInBackgroundFrom !== undefined ? { storeInBackgroundFrom } : {}),
    },
    repaired,
  );
}

type ChooseParts = DownloadParts & Pick<HostParts, 'state' | 'manifest' | 'engines' | 'capabilities' | 'deviceId' | 'storeInBackgroundFrom'>;

async function fromPointer(parts: ChooseParts, request: WorkerLoadRequest, precision: Precision, report: Report, repaired: string[]): Promise<ChosenBytes | undefined> {
  const id = request.id;
  const pointer = await parts.state.pointer(id, precision);
  if (!pointer) return undefined;
  const engineWarming = isModelFormat(pointer.format) ? warmEngine(parts, pointer.format, request.backend, { unlessMeasuring: true }) : undefined;
  // The read hashes as it goes: its progress is the warm load's "verify" phase, ~20 messages a second at most.
  const verify = throttleProgress(report);
  const cached = await parts.store.read(
    { id, version: pointer.current, precision },
    (reason) => repaired.push(reason),
    (checked, total) => verify({ phase: 'verify', loaded: checked, total }),
  );
  verify.flush();
  if (!cached) return undefined;
  const files: ModelFile[] = cached.files.map((bytes, i) => ({ url: cached.urls[i] ?? '', bytes }));
  return {
    version: pointer.current,
    warm: true,
    fetched: { files, spec: cached.spec, fromCache: true, stored: true, evicted: [], bytesDownloaded: 0, sha256: cached.sha256, repaired },
    ...(engineWarming ? { engineWarming } : {}),
    ...(pointer.cohort ? { cohort: pointer.cohort } : {}),
    ...(pointer.previous ? { previousVersion: pointer.previous } : {}),
  };
}

async function fromManifest(parts: ChooseParts, request: WorkerLoadRequest, precision: Precision, report: Report, signal: AbortSignal, repaired: string[]): Promise<ChosenBytes> {
  const model = findModel(await parts.manifest.get(), request.id);
  const engineWarming = warmEngine(parts, model.format, request.backend);
  const choice = chooseVersion(model, await parts.deviceId(), request.version);
  const variant = findVariant(model, choice.version, precision);
  const version = choice.version.version;
  // Known from the manifest alone: refused before a byte is downloaded or stored.
  refuseTooLarge(model, variant.files, planBackends(request.backend ?? 'auto', await parts.capabilities()));
  const fetched = await variantBytes(parts, model, version, variant, report, signal, repaired, parts.storeInBackgroundFrom);
  const chosen = { version, fetched, warm: false, engineWarming, ...(choice.cohort ? { cohort: choice.cohort } : {}) };
  const pointer = request.version === undefined;
  if (fetched.storing) {
    // The pointer moves once the copy is stored; until then this device's version is what it was.
    const previousVersion = previousOf(await parts.state.pointer(model.id, precision), version);
    const storing = fetched.storing.then(async (outcome) => {
      // Not moved (IndexedDB refused it): the next load finds the stored copy from the manifest and moves it then.
      if (outcome.stored && pointer) await advancePointer(parts.state, model.id, precision, version, fetched.spec.format, choice.cohort).catch(() => undefined);
      return outcome;
    });
    return { ...chosen, storing, ...(previousVersion ? { previousVersion } : {}) };
  }
  // An explicit version is the caller's business: it does not move the device's pointer.
  const previousVersion =
    pointer && fetched.stored
      ? await advancePointer(parts.state, model.id, precision, version, fetched.spec.format, choice.cohort)
      : previousOf(await parts.state.pointer(model.id, precision), version);
  return { ...chosen, ...(previousVersion ? { previousVersion } : {}) };
}

/** Warm when the device has a sound stored copy of its pointer's version (and no version was asked for), else cold. */
export async function chooseBytes(
  parts: ChooseParts,
  request: WorkerLoadRequest,
  precision: Precision,
  report: Report,
  signal: AbortSignal,
  repaired: string[],
): Promise<ChosenBytes> {
  const warm = request.version === undefined ? await fromPointer(parts, request, precision, report, repaired) : undefined;
  return warm ?? fromManifest(parts, request, precision, report, signal, repaired);
}

/** Stored bytes no backend could open: deleted, the reason kept, and the version fetched again. */
export async function replaceRefused(
  parts: ChooseParts,
  request: WorkerLoadRequest,
  precision: Precision,
  refused: ChosenBytes,
  why: string,
  report: Report,
  signal: AbortSignal,
  repaired: string[],
): Promise<ChosenBytes> {
  const key: EntryKey = { id: request.id, version: refused.version, precision };
  await parts.store.remove(key);
  repaired.push(`stored bytes of ${key.id} ${key.version} ${key.precision} passed their hashes but could not be opened (${why})`);
  return fromManifest(parts, request, precision, report, signal, repaired);
}
