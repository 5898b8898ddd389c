/**
 * `edgeserve pack <folder>` for a Hugging Face ONNX export: the folder (or its `onnx/`
 * subfolder) holds one network in several precisions, named as transformers.js and Optimum name
 * them — model.onnx, model_fp16.onnx, model_quantized.onnx, model_q4.onnx…, each with its external
 * data beside it. They become the variants of ONE model, so a model downloaded from a hub is
 * served with one command. The precision comes from the file name (the hub's convention), except
 * model_quantized.onnx's: transformers.js makes its weights uint8 or int8 depending on the model's
 * ops, so the graph's weights say which.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { packModel } from './pack.js';
import type { PackOptions } from './pack.js';
import { ToolError } from './tool-error.js';
import type { ModelEntry, Precision, VariantEntry } from '../src/manifest/schema.js';

/** Hub file names → manifest precision. fp32 first: it defines the model's inputs and outputs. */
export const HF_VARIANTS: readonly (readonly [file: string, precision: Precision])[] = [
  ['model.onnx', 'fp32'],
  ['model_fp16.onnx', 'fp16'],
  ['model_quantized.onnx', 'int8'], // or uint8: read from its weights
  ['model_int8.onnx', 'int8'],
  ['model_uint8.onnx', 'uint8'],
  ['model_q4.onnx', 'q4'],
];

/**
 * Hub files with no manifest precision: q4f16 (4-bit weights with float16 activations) and bnb4
 * (MatMulBnb4, a kernel onnxruntime-web's WASM build lacks) are named and left out, not guessed.
 */
const SKIPPED = ['model_q4f16.onnx', 'model_bnb4.onnx'];

export interface PackedFolder {
  entry: ModelEntry;
  variants: VariantEntry[];
  /** Hub files present but not packed, with why. */
  skipped: string[];
  copiedTo: string[];
}

/** The folder holding the .onnx files: `<dir>/onnx` when it exists, else `<dir>`. */
export function onnxFolder(dir: string): string {
  const sub = join(dir, 'onnx');
  return existsSync(sub) && statSync(sub).isDirectory() ? sub : dir;
}

export function packFolder(dir: string, opts: Omit<PackOptions, 'precision' | 'url'>): PackedFolder {
  const folder = onnxFolder(dir);
  const files = new Set(readdirSync(folder));
  const present = HF_VARIANTS.filter(([file]) => files.has(file));
  if (present.length === 0) {
    throw new ToolError(
      'NOT_FOUND',
      `${dir}: no Hugging Face ONNX files (${HF_VARIANTS.map(([f]) => f).join(', ')}) in it or in its onnx/ folder; ` + 'pack takes such a folder, or .onnx files one by one',
    );
  }
  // The hub's repo name: the folder above onnx/, else the folder itself.
  const id = opts.id ?? basename(folder === dir ? dir : dirname(folder)).toLowerCase();
  const variants: VariantEntry[] = [];
  const copiedTo: string[] = [];
  let entry: ModelEntry | undefined;
  for (const [file, precision] of present) {
    // model_quantized is int8 or uint8 by its weights (pack.ts, quantizedWeightType): read from the graph.
    const r = packModel(join(folder, file), { ...opts, id, ...(file === 'model_quantized.onnx' ? {} : { precision }) });
    entry = r.entry;
    variants.push(r.variant);
    copiedTo.push(...(r.copiedTo ?? []));
  }
  const skipped = SKIPPED.filter((f) => files.has(f)).map((f) => `${f}: no manifest precision for it (q4f16 and bnb4 are not served)`);
  return { entry: entry!, variants, skipped, copiedTo };
}
