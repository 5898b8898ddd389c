/** The tflite model's entry in `npm run models`: its declared specs checked against the file, as the ONNX ones are against onnxruntime. */
import { readFileSync } from 'node:fs';
import { readTfliteModel } from '../pack/tflite-model.js';
import type { ModelSource } from './model-sources.js';

/** Throws when the declared inputs/outputs are not the model's own; returns the variant's recipe. */
export function checkTfliteSpecs(source: ModelSource, path: string): { recipe?: string } {
  const info = readTfliteModel(new Uint8Array(readFileSync(path)), path);
  const same = JSON.stringify([info.inputs, info.outputs]) === JSON.stringify([source.inputs, source.outputs]);
  if (!same) throw new Error(`${source.id}: declared inputs/outputs do not match the model (${JSON.stringify(info.inputs)} → ${JSON.stringify(info.outputs)})`);
  if (info.customOps.length > 0) throw new Error(`${source.id}: custom ops ${info.customOps.join(', ')}`);
  return info.storedAs ? { recipe: info.storedAs } : {};
}
