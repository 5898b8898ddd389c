/** Choosing what to serve: model by id, version by policy (or request), variant by precision. */
import { ModelNotFoundError, VariantNotFoundError } from '../errors.js';
import type { Manifest, ModelEntry, Precision, VariantEntry, VersionEntry } from './schema.js';
import { latestVersion } from './versions.js';

export { compareVersions } from './versions.js';

export function findModel(manifest: Manifest, id: string): ModelEntry {
  const model = manifest.models.find((m) => m.id === id);
  if (!model) {
    throw new ModelNotFoundError(`no model "${id}" in the manifest (it has: ${manifest.models.map((m) => m.id).join(', ')})`, { id });
  }
  return model;
}

export function pickVersion(model: ModelEntry, requested?: string): VersionEntry {
  const wanted = requested ?? (model.policy?.kind === 'pinned' ? model.policy.version : undefined);
  if (wanted !== undefined) {
    const found = model.versions.find((v) => v.version === wanted);
    if (!found) throw new VariantNotFoundError(`model "${model.id}" has no version ${wanted}`, { id: model.id, version: wanted });
    return found;
  }
  const latest = latestVersion(model.versions);
  if (!latest) throw new VariantNotFoundError(`model "${model.id}" lists no versions`, { id: model.id });
  return latest;
}

/** The variant of `version` in `precision`, or VARIANT_NOT_FOUND naming the precisions it has. */
export function findVariant(model: ModelEntry, version: VersionEntry, precision: Precision): VariantEntry {
  const variant = version.variants.find((v) => v.precision === precision);
  if (!variant) {
    throw new VariantNotFoundError(`model "${model.id}" ${version.version} has no ${precision} variant (it has: ${version.variants.map((v) => v.precision).join(', ')})`, {
      id: model.id,
      version: version.version,
      precision,
      available: version.variants.map((v) => v.precision),
    });
  }
  return variant;
}
