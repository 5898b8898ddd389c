/**
 * `edgeserve pack`: adds or updates one variant of one model in a manifest file — bytes and
 * SHA-256 of every file (what the worker verifies before storing: the graph, then each external
 * data file it names), inputs/outputs with dtypes and dims, opset, precision. Everything else in
 * the manifest is kept as it was.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { externalDataFiles } from './onnx/external-data.js';
import { MAX_FILE_BYTES } from '../src/store/limits.js';
import { onnx } from './onnx/onnx-proto.js';
import { requirePackable } from './model-format.js';
import { addVariant, anonymousDims } from './manifest-file.js';
import { packTfjsModel } from './pack-tfjs.js';
import { packTfliteModel } from './pack/pack-tflite.js';
import { variantFiles } from './variant-files.js';
import { decodeModel, onnxOpset } from './onnx/model-io.js';
import { constantsOf } from './onnx/graph-walk.js';
import { toNum } from './onnx/long-int.js';
import { AGREEMENT_KEY, PRECISION_KEY, RECIPE_KEY } from './make-int8-variant.js';
import { ToolError } from './tool-error.js';
import type { Dim, VariantAgreement, ModelEntry, Precision, TensorDtype, TensorSpec, VariantEntry } from '../src/manifest/schema.js';

const DTYPES: Partial<Record<number, TensorDtype>> = {
  [onnx.TensorProto.DataType.FLOAT]: 'float32',
  [onnx.TensorProto.DataType.FLOAT16]: 'float16',
  [onnx.TensorProto.DataType.INT32]: 'int32',
  [onnx.TensorProto.DataType.INT64]: 'int64',
  [onnx.TensorProto.DataType.UINT8]: 'uint8',
  [onnx.TensorProto.DataType.INT8]: 'int8',
  [onnx.TensorProto.DataType.BOOL]: 'bool',
};

/**
 * Some exporters write an unknown dim as dim_value -1, and onnxruntime-web reports it as
 * 4294967295 (the -1 read back as uint32): either is any size, written as a symbolic dim — a
 * manifest asking callers for a 4294967295-wide input would refuse every call.
 */
const UINT32_MINUS_ONE = 2 ** 32 - 1;
export const fixedDim = (value: number, anonymous: () => string): Dim => (value < 0 || value === UINT32_MINUS_ONE ? anonymous() : value);

function specOf(v: onnx.IValueInfoProto, anonymous: () => string): TensorSpec {
  const t = v.type?.tensorType;
  const dtype = DTYPES[t?.elemType ?? -1];
  if (!dtype) throw new ToolError('UNSUPPORTED_MODEL', `${v.name}: element type ${t?.elemType} has no manifest dtype`);
  const dims: Dim[] = (t?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? fixedDim(toNum(d.dimValue), anonymous) : anonymous()));
  return { name: v.name ?? '', dtype, dims };
}

export interface PackOptions {
  manifest: string;
  id?: string;
  version?: string;
  precision?: Precision;
  /**
   * The graph's URL. Default: the model's path relative to the manifest's directory. A model
   * outside that directory is copied into it first (`<id>/<version>/<file>`, external data
   * files beside it): a server that serves the manifest's folder would never serve a
   * `../model.onnx`. External data files are always served beside the graph (variant-files.ts).
   */
  url?: string;
  recipe?: string;
  description?: string;
}

/**
 * What the quantized weights are (the constants the integer ops and DequantizeLinear read):
 * uint8 or int8, whichever most are. Hugging Face's model_quantized.onnx is either: transformers.js
 * quantizes weights to uint8 when the model has a Conv (onnxruntime-web has no int8-weight
 * ConvInteger) or attention ops, and to int8 otherwise; activations are uint8 in both.
 */
function quantizedWeightType(model: onnx.ModelProto): 'int8' | 'uint8' {
  const { UINT8, INT8 } = onnx.TensorProto.DataType;
  const types = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t.dataType]));
  let unsigned = 0;
  let signed = 0;
  for (const n of model.graph?.node ?? []) {
    const weight = n.opType === 'MatMulInteger' || n.opType === 'ConvInteger' ? n.input?.[1] : n.opType === 'DequantizeLinear' ? n.input?.[0] : undefined;
    const type = weight === undefined ? undefined : types.get(weight);
    if (type === UINT8) unsigned++;
    else if (type === INT8) signed++;
  }
  return unsigned > signed ? 'uint8' : 'int8';
}

/** fp32 unless the file says otherwise (quantize stamps it) or holds integer ops. */
export function detectPrecision(model: onnx.ModelProto): Precision {
  const stamped = model.metadataProps.find((p) => p.key === PRECISION_KEY)?.value;
  if (stamped) return stamped as Precision;
  const ops = new Set((model.graph?.node ?? []).map((n) => n.opType));
  // Hugging Face's model_q4 / model_bnb4 files: 4-bit MatMulNBits (checked first: they may hold int8 ops too).
  if (ops.has('MatMulNBits')) return 'q4';
  if (['DynamicQuantizeLinear', 'QuantizeLinear', 'MatMulInteger', 'ConvInteger'].some((o) => ops.has(o))) return quantizedWeightType(model);
  if (ops.has('DequantizeLinear')) return 'int8-weight-only';
  // Float16 weights (an fp16 export, or quantize --mode fp16): most of the bytes are half floats.
  const half = (model.graph?.initializer ?? []).filter((t) => t.dataType === onnx.TensorProto.DataType.FLOAT16).length;
  const single = (model.graph?.initializer ?? []).filter((t) => t.dataType === onnx.TensorProto.DataType.FLOAT).length;
  return half > 0 && half >= single ? 'fp16' : 'fp32';
}

/** What quantize's gate measured, stamped in the file: a variant written past a failed gate (--ignore-gate) says so in the manifest. */
function stampedAgreement(model: onnx.ModelProto): VariantAgreement | undefined {
  const json = model.metadataProps.find((p) => p.key === AGREEMENT_KEY)?.value;
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as VariantAgreement;
    return typeof value === 'object' && value !== null && typeof value.passed === 'boolean' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The runtime refuses a manifest file over MAX_FILE_BYTES (2 GiB, a file in one ArrayBuffer):
 * refused here, before hashing gigabytes, rather than by the user's users at load time.
 */
function refuseOversizedFiles(graphPath: string, model: onnx.ModelProto): void {
  const paths = [graphPath, ...externalDataFiles(model).map((location) => join(dirname(graphPath), location))];
  for (const path of paths) {
    const bytes = existsSync(path) ? statSync(path).size : 0;
    if (bytes > MAX_FILE_BYTES) {
      throw new ToolError(
        'UNSUPPORTED_MODEL',
        `${path} is ${bytes} bytes; edgeserve serves files of at most ${MAX_FILE_BYTES} bytes (2 GiB) each: ` + 'keep the weights in external data files under that size',
      );
    }
  }
}

export function packModel(modelPath: string, opts: PackOptions): { entry: ModelEntry; variant: VariantEntry; copiedTo?: string[]; warnings?: string[] } {
  if (!existsSync(modelPath)) throw new ToolError('NOT_FOUND', `${modelPath}: no such file`);
  const format = requirePackable(modelPath);
  if (format === 'tfjs-json') return packTfjsModel(modelPath, opts);
  if (format === 'tflite') return packTfliteModel(modelPath, opts);
  const bytes = readFileSync(modelPath);
  const model = decodeModel(bytes, modelPath);
  const graph = model.graph!;
  const consts = constantsOf(graph);
  // Old exporters list initializers among the inputs; those are not what a caller feeds.
  const anonymous = anonymousDims();
  const inputs = (graph.input ?? []).filter((i) => !consts.has(i.name ?? '')).map((v) => specOf(v, anonymous));
  const outputs = (graph.output ?? []).map((v) => specOf(v, anonymous));
  const id = opts.id ?? basename(modelPath).replace(/(\.int8)?\.onnx$/, '');
  const precision = opts.precision ?? detectPrecision(model);
  const recipe = opts.recipe ?? model.metadataProps.find((p) => p.key === RECIPE_KEY)?.value;
  const version = opts.version ?? '1.0.0';
  const agreement = stampedAgreement(model);
  refuseOversizedFiles(modelPath, model);
  const served = variantFiles(modelPath, model, { manifestPath: opts.manifest, id, version, ...(opts.url ? { url: opts.url } : {}) });
  const variant: VariantEntry = {
    precision,
    files: served.files,
    opset: onnxOpset(model),
    ...(recipe ? { recipe } : {}),
    ...(agreement ? { agreement } : {}),
  };
  const entry = addVariant(opts.manifest, { id, format: 'onnx', inputs, outputs, ...(opts.description ? { description: opts.description } : {}) }, version, variant);
  return { entry, variant, ...(served.copiedTo ? { copiedTo: served.copiedTo } : {}) };
}
