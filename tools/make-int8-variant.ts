/**
 * One call for `npm run models` and the CLI: read an fp32 ONNX file, quantize it, write the
 * result atomically. The recipe is also stamped into the model's metadata_props, so
 * `edgeserve pack` can record how a file was made without being told.
 */
import { onnx } from './onnx/onnx-proto.js';
import { readModelFile, writeModelFile } from './onnx/model-io.js';
import { quantizeModel } from './quantize/quantize-model.js';
import type { QuantMode } from './quantize/quantize-model.js';
import type { ConvPolicy } from './quantize/dynamic.js';
import { calibrate } from './quantize/calibrate.js';
import type { CalibrationMethod } from './quantize/calibrate.js';
import type { Feeds } from './ort-node.js';
import type { Precision } from '../src/manifest/schema.js';
import { ToolError } from './tool-error.js';

export const RECIPE_KEY = 'edgeserve.recipe';
export const PRECISION_KEY = 'edgeserve.precision';

export interface Int8VariantOptions {
  /** Default 'dynamic' (no calibration data needed; fastest on WASM here, see README). */
  mode?: QuantMode;
  /** Default true: per-tensor int8 breaks ocr-rec (empty decodes). */
  perChannel?: boolean;
  exclude?: string[];
  convs?: ConvPolicy;
  /** Static mode: sample inputs run through the fp32 model. */
  calibration?: Feeds[];
  calibrationMethod?: CalibrationMethod;
  onProgress?: (message: string) => void;
}

export interface Int8VariantResult {
  recipe: string;
  precision: Precision;
  bytesIn: number;
  bytesOut: number;
  /** ai.onnx opset of the written model (raised to 11/13 when the integer ops need it). */
  opset: number;
  /** Quantized node count by op type; empty means nothing was worth quantizing (no file written). */
  quantized: Record<string, number>;
}

export function setMetadata(model: onnx.ModelProto, key: string, value: string): void {
  model.metadataProps = model.metadataProps.filter((p) => p.key !== key);
  model.metadataProps.push(onnx.StringStringEntryProto.create({ key, value }));
}

export async function makeInt8Variant(inPath: string, outPath: string, opts: Int8VariantOptions = {}): Promise<Int8VariantResult> {
  const mode = opts.mode ?? 'dynamic';
  const log = opts.onProgress ?? (() => {});
  const { model, baseDir, bytes } = readModelFile(inPath);
  let ranges;
  if (mode === 'static') {
    if (!opts.calibration?.length) throw new ToolError('CALIBRATION', 'static mode needs calibration data (--calibration)');
    log(`calibrating on ${opts.calibration.length} samples`);
    ranges = await calibrate(model, opts.calibration, opts.calibrationMethod ?? 'minmax', (d, t) => log(`calibration ${d}/${t}`));
  }
  log(`quantizing (${mode})`);
  const report = quantizeModel(model, baseDir, {
    mode, perChannel: opts.perChannel ?? true, exclude: opts.exclude ?? [], convs: opts.convs ?? 'dense', ranges,
  }, inPath);
  const precision: Precision = mode === 'weight-only' ? 'int8-weight-only' : 'int8';
  if (Object.keys(report.quantized).length === 0) {
    return { recipe: report.recipe, precision, bytesIn: bytes, bytesOut: 0, opset: report.opsetAfter, quantized: {} };
  }
  setMetadata(model, RECIPE_KEY, report.recipe);
  setMetadata(model, PRECISION_KEY, precision);
  log(`writing ${outPath}`);
  const bytesOut = writeModelFile(outPath, model, baseDir);
  return { recipe: report.recipe, precision, bytesIn: bytes, bytesOut, opset: report.opsetAfter, quantized: report.quantized };
}
