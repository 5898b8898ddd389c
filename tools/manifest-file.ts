/**
 * The manifest file as the tools write it: read (or started empty), one variant added or replaced,
 * written atomically, everything else in it kept as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './onnx/model-io.js';
import { ToolError } from './tool-error.js';
import type { Manifest, ModelEntry, VariantEntry } from '../src/manifest/schema.js';

/**
 * Names for dims a model leaves unnamed (ONNX's -1 or no dim_param, TF.js's -1, Keras's None past
 * the batch axis): `unk__0`, `unk__1`… as onnx's shape inference names them, one per dim. The
 * runtime binds a symbolic name to one size across a call's inputs, so one shared name ('?') would
 * demand that every unnamed dim be equal.
 */
export function anonymousDims(): () => string {
  let next = 0;
  return () => `unk__${next++}`;
}

export function readManifest(path: string): Manifest {
  if (!existsSync(path)) return { schemaVersion: 1, models: [] };
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (m.schemaVersion !== 1 || !Array.isArray(m.models)) throw new Error('schemaVersion 1 with a models array expected');
    return m;
  } catch (err) {
    throw new ToolError('MANIFEST', `${path}: not a manifest (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Writes one variant into the manifest file (created if missing), keeping everything else in it.
 * The fp32 variant defines the model's inputs and outputs; other precisions have the same ones.
 */
export function addVariant(
  manifestPath: string,
  model: Pick<ModelEntry, 'id' | 'format' | 'inputs' | 'outputs' | 'description'>,
  version: string,
  variant: VariantEntry,
): ModelEntry {
  const manifest = readManifest(manifestPath);
  const { description, ...spec } = model;
  let entry = manifest.models.find((m) => m.id === model.id);
  if (!entry) {
    entry = { ...spec, versions: [], policy: { kind: 'latest' } };
    manifest.models.push(entry);
  }
  if (variant.precision === 'fp32' || entry.inputs.length === 0) Object.assign(entry, { inputs: spec.inputs, outputs: spec.outputs });
  if (description) entry.description = description;
  let ver = entry.versions.find((v) => v.version === version);
  if (!ver) entry.versions.push((ver = { version, variants: [] }));
  ver.variants = [...ver.variants.filter((v) => v.precision !== variant.precision), variant];
  writeFileAtomic(manifestPath, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
  return entry;
}
