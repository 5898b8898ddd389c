/**
 * `edgeserve pack model.tflite`: one file, one variant, format 'tflite' (run by LiteRT.js). The
 * inputs and outputs are what LiteRT.js will report (tflite-model.ts reads them from the
 * flatbuffer); a model with custom ops is packed with a warning naming them, since LiteRT.js
 * runs only the custom ops it registered (XNNPACK's: MediaPipe's Convolution2DTransposeBias,
 * MaxPoolingWithArgmax2D, MaxUnpooling2D) and the runtime refuses the others at load.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ModelEntry, VariantEntry } from '../../src/manifest/schema.js';
import { MAX_FILE_BYTES } from '../../src/store/limits.js';
import { addVariant } from '../manifest-file.js';
import type { PackOptions } from '../pack.js';
import { ToolError } from '../tool-error.js';
import { servedFiles } from '../variant-files.js';
import { readTfliteModel } from './tflite-model.js';

/** Custom ops LiteRT.js's XNNPACK runs (MediaPipe's segmentation ops); any other custom op is refused at load. */
const KNOWN_CUSTOM_OPS = new Set(['Convolution2DTransposeBias', 'MaxPoolingWithArgmax2D', 'MaxUnpooling2D']);

export interface PackedTflite {
  entry: ModelEntry;
  variant: VariantEntry;
  copiedTo?: string[];
  /** Said to the user: custom ops the runtime will likely refuse. */
  warnings: string[];
}

export function packTfliteModel(modelPath: string, opts: PackOptions): PackedTflite {
  const size = statSync(modelPath).size;
  if (size > MAX_FILE_BYTES) throw new ToolError('UNSUPPORTED_MODEL', `${modelPath} is ${size} bytes; edgeserve serves files of at most ${MAX_FILE_BYTES} bytes (2 GiB) each`);
  const info = readTfliteModel(new Uint8Array(readFileSync(modelPath)), modelPath);
  const id = opts.id ?? basename(modelPath).replace(/\.tflite$/i, '');
  const version = opts.version ?? '1.0.0';
  const served = servedFiles(modelPath, [], { manifestPath: opts.manifest, id, version, ...(opts.url ? { url: opts.url } : {}) });
  const recipe = opts.recipe ?? info.storedAs;
  const variant: VariantEntry = { precision: opts.precision ?? info.precision, files: served.files, ...(recipe ? { recipe } : {}) };
  const entry = addVariant(
    opts.manifest,
    { id, format: 'tflite', inputs: info.inputs, outputs: info.outputs, ...(opts.description ? { description: opts.description } : {}) },
    version,
    variant,
  );
  const unknown = info.customOps.filter((op) => !KNOWN_CUSTOM_OPS.has(op));
  const warnings =
    unknown.length > 0
      ? [`${modelPath} uses the custom op${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: LiteRT.js does not have it, and load() will fail with UNSUPPORTED naming it`]
      : [];
  return { entry, variant, ...(served.copiedTo ? { copiedTo: served.copiedTo } : {}), warnings };
}
