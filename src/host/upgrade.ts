/**
 * Background upgrades and rollback. A new version is downloaded, verified, stored, opened and
 * warmed up on the backend each served copy runs on; only then is each copy switched to it
 * (ServedModel.switchTo), and the store keeps just the new and the previous version. Anything
 * failing on the way leaves the model serving its current version, with `updateError` set.
 */
import { VariantNotFoundError } from '../errors.js';
import { chooseVersion } from '../manifest/rollout.js';
import type { ModelSpec, Precision } from '../manifest/schema.js';
import { findModel } from '../manifest/select.js';
import type { ModelInfo } from '../protocol.js';
import type { ModelFile } from '../engines/engine.js';
import type { HostContext } from './host-context.js';
import { openWithFallback } from './backend-fallback.js';

const running = new WeakMap<HostContext, Map<string, Promise<ModelInfo[]>>>();

async function switchServed(ctx: HostContext, id: string, precision: Precision, version: string, spec: ModelSpec, files: ModelFile[], extra: Partial<ModelInfo>): Promise<ModelInfo[]> {
  const targets = ctx.servedOf(id, precision).filter((s) => s.info.version !== version);
  const engine = await ctx.engine(spec.format);
  const context = ctx.engineContext(await ctx.capabilities());
  // Open and warm up every copy first: a version that fails anywhere is switched nowhere.
  const opened = await Promise.all(targets.map((s) => openWithFallback(engine, spec, files, { order: [s.info.backend] }, context, true)));
  const switched: ModelInfo[] = [];
  for (const [i, served] of targets.entries()) {
    const { updateError: _e, ...kept } = served.info;
    const info: ModelInfo = { ...kept, ...extra, version, previousVersion: served.info.version, bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0) };
    await served.switchTo(opened[i]!.session, info, spec);
    switched.push(info);
  }
  return switched;
}

async function keepOnly(ctx: HostContext, id: string, precision: Precision, versions: string[]): Promise<void> {
  for (const entry of await ctx.store.list()) {
    if (entry.id === id && entry.precision === precision && !versions.includes(entry.version)) {
      await ctx.store.remove({ id, version: entry.version, precision });
    }
  }
}

async function upgrade(ctx: HostContext, id: string, precision: Precision): Promise<ModelInfo[]> {
  const manifest = await ctx.manifest(true);
  const model = findModel(manifest, id);
  const choice = chooseVersion(model, await ctx.deviceId());
  const target = choice.version.version;
  const pointer = await ctx.store.getPointer(id, precision);
  const current = pointer?.current ?? ctx.servedOf(id, precision)[0]?.info.version;
  if (target === current || pointer?.rejected?.includes(target)) return [];
  const variant = choice.version.variants.find((v) => v.precision === precision);
  if (!variant) return [];
  const fetched = await ctx.fetchVariant(model, target, variant);
  ctx.metrics.load(id, target, fetched.fromCache, fetched.bytesDownloaded);
  const switched = await switchServed(ctx, id, precision, target, fetched.spec, fetched.files, {
    fromCache: fetched.fromCache,
    stored: fetched.stored,
    ...(choice.cohort ? { cohort: choice.cohort } : {}),
  });
  if (fetched.stored) {
    const previous = await ctx.advancePointer(id, precision, target, choice.cohort);
    await keepOnly(ctx, id, precision, previous ? [target, previous] : [target]);
  }
  return switched;
}

/** Checks the manifest and upgrades `id`/`precision` if its version should change. One check at a time a model. */
export function revalidate(ctx: HostContext, id: string, precision: Precision): Promise<ModelInfo[]> {
  let byKey = running.get(ctx);
  if (!byKey) running.set(ctx, (byKey = new Map()));
  const key = `${id}/${precision}`;
  const existing = byKey.get(key);
  if (existing) return existing;
  const work = upgrade(ctx, id, precision)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      for (const served of ctx.servedOf(id, precision)) {
        served.info = { ...served.info, updateError: message };
        served.notify();
      }
      throw error;
    })
    .finally(() => byKey.delete(key));
  byKey.set(key, work);
  return work;
}

export async function rollback(ctx: HostContext, id: string, precision: Precision): Promise<{ version: string; switched: ModelInfo[] }> {
  await byKeyIdle(ctx, id, precision);
  const pointer = await ctx.store.getPointer(id, precision);
  if (!pointer?.previous) throw new VariantNotFoundError(`"${id}" (${precision}) has no previous version stored to roll back to`, { id, precision });
  const previous = await ctx.store.read({ id, version: pointer.previous, precision });
  if (!previous) throw new VariantNotFoundError(`"${id}" ${pointer.previous} (${precision}) is no longer stored`, { id, version: pointer.previous, precision });
  const files = previous.files.map((bytes) => ({ url: '', bytes }));
  const switched = await switchServed(ctx, id, precision, pointer.previous, previous.spec, files, { fromCache: true, stored: true });
  await ctx.store.setPointer(id, precision, {
    current: pointer.previous,
    previous: pointer.current,
    rejected: [...new Set([...(pointer.rejected ?? []), pointer.current])],
    ...(pointer.cohort ? { cohort: pointer.cohort } : {}),
  });
  return { version: pointer.previous, switched };
}

/** A rollback waits for a running upgrade of the same model, so the two never interleave. */
async function byKeyIdle(ctx: HostContext, id: string, precision: Precision): Promise<void> {
  await running.get(ctx)?.get(`${id}/${precision}`)?.catch(() => undefined);
}
