/**
 * Background upgrades and rollback. A new version is downloaded, verified, stored, opened and
 * warmed up on the backend each served copy runs on; only then is each copy switched to it
 * (ServedModel.switchTo), and the store keeps just the new and the previous version. Anything
 * failing on the way leaves the model serving its current version, with `updateError` set.
 *
 * The same check is where a served copy meets the manifest on the warm path: load serves the
 * stored copy at once (stale-while-revalidate) and this check, started by that load, compares
 * each served copy's SHA-256 with the manifest's for its version. A copy that differs is
 * suspended at once (calls wait), evicted from the store, downloaded again and switched to —
 * or, if that fails, refused, so its calls fail with INTEGRITY_MISMATCH rather than being
 * answered from bytes known to be wrong. Offline there is no manifest: the stored hash is all
 * there is to check against.
 */
import { EdgeServeError, IntegrityError, VariantNotFoundError } from '../errors.js';
import { chooseVersion } from '../manifest/rollout.js';
import type { ModelEntry, ModelSpec, Precision } from '../manifest/schema.js';
import { findModel } from '../manifest/select.js';
import type { ModelInfo } from '../protocol.js';
import type { ModelFile } from '../engines/engine.js';
import { advancePointer } from '../state/device-state.js';
import { openOnPlan } from './backend-resolver.js';
import { variantBytes } from './choose-bytes.js';
import type { HostParts } from './host-parts.js';
import type { ServedModel } from './served-model.js';

async function switchServed(
  parts: HostParts,
  id: string,
  precision: Precision,
  version: string,
  spec: ModelSpec,
  files: ModelFile[],
  extra: Partial<ModelInfo>,
  sha256?: string[],
): Promise<ModelInfo[]> {
  const targets = parts.served.following(id, precision).filter((s) => s.info.version !== version || s.suspended);
  const engine = await parts.engines.engine(spec.format);
  const context = parts.engines.context(await parts.capabilities());
  // Open and warm up every copy first: a version that fails anywhere is switched nowhere.
  const opened = await Promise.all(targets.map((s) => openOnPlan({ engine, spec, files, context }, { order: [s.info.backend] }, 'always')));
  const switched: ModelInfo[] = [];
  for (const [i, served] of targets.entries()) {
    const { updateError: _e, ...kept } = served.info;
    const previousVersion = served.info.version !== version ? served.info.version : served.info.previousVersion;
    const info: ModelInfo = { ...kept, ...extra, version, ...(previousVersion ? { previousVersion } : {}), bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0) };
    await served.switchTo(opened[i]!.session, info, spec, sha256);
    switched.push(info);
  }
  return switched;
}

async function keepOnly(parts: HostParts, id: string, precision: Precision, versions: string[]): Promise<void> {
  for (const entry of await parts.store.list()) {
    if (entry.id === id && entry.precision === precision && !versions.includes(entry.version)) {
      await parts.store.remove({ id, version: entry.version, precision });
    }
  }
}

/** Served copies whose bytes are not the manifest's for their version: suspended and evicted at once. */
async function suspendMismatched(parts: HostParts, model: ModelEntry, precision: Precision): Promise<{ copies: ServedModel[]; reasons: string[] }> {
  const copies: ServedModel[] = [];
  const reasons = new Set<string>();
  for (const served of parts.served.following(model.id, precision)) {
    const listed = model.versions
      .find((v) => v.version === served.info.version)
      ?.variants.find((v) => v.precision === precision)
      ?.files.map((f) => f.sha256);
    // A version the manifest no longer lists cannot be checked; the policy moves off it anyway.
    if (!listed || served.sha256.length === 0) continue;
    if (served.sha256.length === listed.length && served.sha256.every((sha, i) => sha === listed[i])) continue;
    served.suspend();
    copies.push(served);
    reasons.add(`stored SHA-256 of ${model.id} ${served.info.version} ${precision} is not the manifest's`);
  }
  for (const version of new Set(copies.map((c) => c.info.version))) await parts.store.remove({ id: model.id, version, precision });
  return { copies, reasons: [...reasons] };
}

async function upgrade(parts: HostParts, id: string, precision: Precision): Promise<ModelInfo[]> {
  const manifest = await parts.manifest.get(true);
  const model = findModel(manifest, id);
  const mismatched = await suspendMismatched(parts, model, precision);
  const refuse = (why: string) => {
    const refusal = new IntegrityError(`"${id}" (${precision}) was served from bytes that are not the manifest's, and a sound copy could not be loaded: ${why}`, { id, precision });
    for (const served of mismatched.copies) served.refuse(refusal);
  };
  try {
    const switched = await moveTo(parts, model, precision, mismatched.reasons);
    // Never left waiting: a copy the move did not replace is refused.
    if (mismatched.copies.some((c) => c.suspended)) refuse('the manifest offers no version to replace it with');
    return switched;
  } catch (error) {
    refuse(error instanceof EdgeServeError ? error.message : String(error));
    throw error;
  }
}

async function moveTo(parts: HostParts, model: ModelEntry, precision: Precision, repairs: string[]): Promise<ModelInfo[]> {
  const id = model.id;
  const choice = chooseVersion(model, await parts.deviceId());
  const pointer = await parts.state.pointer(id, precision);
  const current = pointer?.current ?? parts.served.following(id, precision)[0]?.info.version;
  // A version rolled back from is not upgraded to again; a damaged current one is still repaired.
  const target = pointer?.rejected?.includes(choice.version.version) ? current : choice.version.version;
  if (target === undefined || (target === current && repairs.length === 0)) return [];
  const variant = model.versions.find((v) => v.version === target)?.variants.find((v) => v.precision === precision);
  if (!variant) return [];
  const fetched = await variantBytes(parts, model, target, variant, undefined, undefined, [...repairs]);
  parts.metrics.load(id, target, fetched.fromCache, fetched.bytesDownloaded);
  const switched = await switchServed(
    parts,
    id,
    precision,
    target,
    fetched.spec,
    fetched.files,
    {
      fromCache: fetched.fromCache,
      stored: fetched.stored,
      ...(choice.cohort ? { cohort: choice.cohort } : {}),
      ...(fetched.repaired.length > 0 ? { repaired: fetched.repaired } : {}),
    },
    fetched.sha256,
  );
  if (fetched.stored) {
    const previous = await advancePointer(parts.state, id, precision, target, fetched.spec.format, choice.cohort);
    await keepOnly(parts, id, precision, previous ? [target, previous] : [target]);
  }
  return switched;
}

/** Checks the manifest and upgrades `id`/`precision` if its version should change. One check at a time a model. */
export function revalidate(parts: HostParts, id: string, precision: Precision): Promise<ModelInfo[]> {
  const byKey = parts.revalidations;
  const key = `${id}/${precision}`;
  const existing = byKey.get(key);
  if (existing) return existing;
  const work = upgrade(parts, id, precision)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      for (const served of parts.served.following(id, precision)) {
        served.info = { ...served.info, updateError: message };
        served.notify();
      }
      throw error;
    })
    .finally(() => byKey.delete(key));
  byKey.set(key, work);
  return work;
}

export async function rollback(parts: HostParts, id: string, precision: Precision): Promise<{ version: string; switched: ModelInfo[] }> {
  await byKeyIdle(parts, id, precision);
  const pointer = await parts.state.pointer(id, precision);
  if (!pointer?.previous) throw new VariantNotFoundError(`"${id}" (${precision}) has no previous version stored to roll back to`, { id, precision });
  const previous = await parts.store.read({ id, version: pointer.previous, precision });
  if (!previous) throw new VariantNotFoundError(`"${id}" ${pointer.previous} (${precision}) is no longer stored`, { id, version: pointer.previous, precision });
  const files = previous.files.map((bytes, i) => ({ url: previous.urls[i] ?? '', bytes }));
  const switched = await switchServed(parts, id, precision, pointer.previous, previous.spec, files, { fromCache: true, stored: true }, previous.sha256);
  // One transaction: versions another tab rejected meanwhile stay rejected.
  await parts.state.updatePointer(id, precision, (now) => ({
    current: pointer.previous!,
    previous: pointer.current,
    rejected: [...new Set([...(now?.rejected ?? []), ...(pointer.rejected ?? []), pointer.current])],
    ...(pointer.cohort ? { cohort: pointer.cohort } : {}),
    format: previous.spec.format,
  }));
  return { version: pointer.previous, switched };
}

/** A rollback waits for a running upgrade of the same model, so the two never interleave. */
async function byKeyIdle(parts: HostParts, id: string, precision: Precision): Promise<void> {
  await parts.revalidations.get(`${id}/${precision}`)?.catch(() => undefined);
}
