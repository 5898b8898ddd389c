/**
 * `edgeserve pack model.json` for TensorFlow.js models: a graph model (what tensorflowjs_converter
 * makes from a SavedModel) or a layers model (from Keras). Inputs and outputs come from the
 * model's own description — a graph's signature (top level, or under userDefinedMetadata where
 * older converters put it), else its Placeholder and leaf nodes; a layers model's input and output
 * layers — and every weight file the weightsManifest names is recorded after model.json with its
 * bytes and SHA-256, as an ONNX graph's external data files are.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MAX_FILE_BYTES } from '../src/store/limits.js';
import type { Dim, ModelEntry, TensorDtype, TensorSpec, VariantEntry } from '../src/manifest/schema.js';
import { addVariant, anonymousDims } from './manifest-file.js';
import { PACK_TAKES } from './model-format.js';
import type { PackOptions } from './pack.js';
import { ToolError } from './tool-error.js';
import { servedFiles } from './variant-files.js';

interface SignatureTensor {
  name?: string;
  dtype?: string;
  tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}
interface Signature {
  inputs?: Record<string, SignatureTensor>;
  outputs?: Record<string, SignatureTensor>;
}
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { type?: string; shape?: SignatureTensor['tensorShape']; list?: { shape?: SignatureTensor['tensorShape'][] } }>;
}
interface LayerJson {
  name: string;
  class_name: string;
  config: { batch_input_shape?: (number | null)[]; dtype?: string; units?: number; name?: string };
}
interface ModelJson {
  format?: string;
  modelTopology?: { node?: GraphNode[]; model_config?: { class_name?: string; config?: LayersConfig }; class_name?: string; config?: LayersConfig };
  weightsManifest?: { paths: string[]; weights: { name: string; dtype: string; quantization?: { dtype: string } }[] }[];
  signature?: Signature;
  userDefinedMetadata?: { signature?: Signature };
}
interface LayersConfig {
  layers?: LayerJson[];
  input_layers?: [string, number, number][];
  output_layers?: [string, number, number][];
}

/** TensorFlow's DataType names → manifest dtypes (the engine widens uint8/int8 to tfjs's int32 and back). */
const DTYPES: Record<string, TensorDtype> = {
  DT_FLOAT: 'float32',
  DT_HALF: 'float16',
  DT_INT32: 'int32',
  DT_INT64: 'int64',
  DT_UINT8: 'uint8',
  DT_INT8: 'int8',
  DT_BOOL: 'bool',
  float32: 'float32',
  int32: 'int32',
  bool: 'bool',
};

function dtypeOf(where: string, dtype: string | undefined): TensorDtype {
  const known = DTYPES[dtype ?? 'DT_FLOAT'];
  if (!known) throw new ToolError('UNSUPPORTED_MODEL', `${where} is ${dtype}, which no edgeserve tensor holds (it takes ${Object.keys(DTYPES).join(', ')})`);
  return known;
}

/** TensorFlow writes an unknown size as -1 (and a size as a string: int64 in JSON). */
function dimsOf(where: string, shape: SignatureTensor['tensorShape'], anonymous: () => string): Dim[] {
  if (!shape || shape.unknownRank) throw new ToolError('UNSUPPORTED_MODEL', `${where} has no known rank; the manifest needs one for each input and output`);
  return (shape.dim ?? []).map((d) => {
    const size = Number(d.size ?? -1);
    return size < 0 ? anonymous() : size;
  });
}

function fromSignature(kind: 'input' | 'output', tensors: Record<string, SignatureTensor>, anonymous: () => string): TensorSpec[] {
  // The key is what executeAsync takes (the engine also matches the node name, `:0` aside).
  return Object.entries(tensors).map(([key, t]) => ({ name: key, dtype: dtypeOf(`${kind} ${key}`, t.dtype), dims: dimsOf(`${kind} ${key}`, t.tensorShape, anonymous) }));
}

/** No signature: inputs are the Placeholders, outputs the nodes nothing reads — as tfjs-converter itself decides. */
function fromNodes(nodes: GraphNode[], anonymous: () => string): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const read = new Set(nodes.flatMap((n) => (n.input ?? []).map((i) => i.replace(/^\^/, '').replace(/:\d+$/, ''))));
  const inputs = nodes
    .filter((n) => n.op === 'Placeholder')
    .map((n) => ({ name: n.name, dtype: dtypeOf(`input ${n.name}`, n.attr?.dtype?.type), dims: dimsOf(`input ${n.name}`, n.attr?.shape?.shape, anonymous) }));
  const outputs = nodes
    .filter((n) => !read.has(n.name) && !['Placeholder', 'Const', 'NoOp'].includes(n.op))
    .map((n) => {
      const shape = n.attr?._output_shapes?.list?.shape?.[0];
      if (!shape) {
        throw new ToolError(
          'UNSUPPORTED_MODEL',
          `output ${n.name}: the model.json has no signature and no _output_shapes for it; convert the model from a SavedModel (tensorflowjs_converter writes a signature then)`,
        );
      }
      return { name: n.name, dtype: dtypeOf(`output ${n.name}`, n.attr?.T?.type ?? n.attr?.dtype?.type), dims: dimsOf(`output ${n.name}`, shape, anonymous) };
    });
  return { inputs, outputs };
}

/** A Keras model: input layers give dims and dtype; an output layer's dims are known for Dense (and layers that keep them) only. */
function fromLayers(config: LayersConfig | undefined, anonymous: () => string): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const layers = new Map((config?.layers ?? []).map((l) => [l.name, l]));
  const layer = (name: string) => {
    const found = layers.get(name);
    if (!found) throw new ToolError('UNSUPPORTED_MODEL', `layers model: no layer "${name}" in modelTopology`);
    return found;
  };
  // Keras's None batch axis is the batch: the same symbolic name on inputs and outputs.
  const batchDims = (shape: (number | null)[]) => shape.map((d, i): Dim => (d == null ? (i === 0 ? 'batch' : anonymous()) : d));
  const inputs = (config?.input_layers ?? []).map(([name]) => {
    const l = layer(name);
    if (!l.config.batch_input_shape) throw new ToolError('UNSUPPORTED_MODEL', `layers model: input layer ${name} has no batch_input_shape`);
    return { name, dtype: dtypeOf(`input ${name}`, l.config.dtype ?? 'float32'), dims: batchDims(l.config.batch_input_shape) };
  });
  const outputs = (config?.output_layers ?? []).map(([name]) => {
    const l = layer(name);
    if (l.class_name !== 'Dense' || l.config.units === undefined) {
      throw new ToolError(
        'UNSUPPORTED_MODEL',
        `layers model: output layer ${name} is a ${l.class_name}; pack reads output shapes of Dense layers only — write this model's outputs by hand`,
      );
    }
    return { name, dtype: 'float32' as const, dims: ['batch', l.config.units] };
  });
  return { inputs, outputs };
}

/** The weights as the converter stored them: quantized ones are dequantized by tfjs at load. */
function storedAs(model: ModelJson): string | undefined {
  const kinds = new Set((model.weightsManifest ?? []).flatMap((g) => g.weights.map((w) => w.quantization?.dtype)).filter((d): d is string => !!d));
  return kinds.size ? `weights stored as ${[...kinds].join('/')} by tensorflowjs_converter, dequantized to float32 at load` : undefined;
}

function readModelJson(path: string): ModelJson {
  let model: ModelJson;
  try {
    model = JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
  } catch (err) {
    throw new ToolError('UNSUPPORTED_FORMAT', `${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); edgeserve pack takes ${PACK_TAKES}`);
  }
  if (typeof model !== 'object' || model === null || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new ToolError(
      'UNSUPPORTED_FORMAT',
      `${path} is a JSON file but not a TensorFlow.js model.json (no modelTopology and weightsManifest); edgeserve pack takes ${PACK_TAKES}`,
    );
  }
  return model;
}

export function packTfjsModel(jsonPath: string, opts: PackOptions): { entry: ModelEntry; variant: VariantEntry; copiedTo?: string[] } {
  const model = readModelJson(jsonPath);
  const graph = model.format === 'graph-model' || Array.isArray(model.modelTopology?.node);
  const signature = model.signature ?? model.userDefinedMetadata?.signature;
  const anonymous = anonymousDims();
  const { inputs, outputs } = graph
    ? signature?.inputs && signature.outputs
      ? { inputs: fromSignature('input', signature.inputs, anonymous), outputs: fromSignature('output', signature.outputs, anonymous) }
      : fromNodes(model.modelTopology?.node ?? [], anonymous)
    : fromLayers((model.modelTopology?.model_config ?? model.modelTopology)?.config, anonymous);
  if (inputs.length === 0 || outputs.length === 0)
    throw new ToolError('UNSUPPORTED_MODEL', `${jsonPath}: found ${inputs.length} inputs and ${outputs.length} outputs; a model needs both`);
  const dir = dirname(resolve(jsonPath));
  // Weight files in weightsManifest order: the engine concatenates them in the manifest's order.
  const weights = (model.weightsManifest ?? []).flatMap((g) => g.paths).map((location) => ({ location, path: join(dir, location) }));
  for (const { path } of [{ path: jsonPath }, ...weights]) {
    if (!existsSync(path)) throw new ToolError('NOT_FOUND', `${jsonPath} names the weight file "${basename(path)}", which is missing (looked for ${path})`);
    const bytes = statSync(path).size;
    if (bytes > MAX_FILE_BYTES) throw new ToolError('UNSUPPORTED_MODEL', `${path} is ${bytes} bytes; edgeserve serves files of at most ${MAX_FILE_BYTES} bytes (2 GiB) each`);
  }
  // model.json says nothing of the model's name: its folder does when the file is model.json (the
  // folder above when that one is a version: models/<id>/1.0.0/model.json).
  const file = basename(jsonPath);
  const folder = /^v?\d+(\.\d+)*$/.test(basename(dir)) ? basename(dirname(dir)) : basename(dir);
  const id = opts.id ?? (file === 'model.json' ? folder : file.replace(/\.json$/, ''));
  const version = opts.version ?? '1.0.0';
  const served = servedFiles(jsonPath, weights, { manifestPath: opts.manifest, id, version, ...(opts.url ? { url: opts.url } : {}) });
  const recipe = opts.recipe ?? storedAs(model);
  const variant: VariantEntry = { precision: opts.precision ?? 'fp32', files: served.files, ...(recipe ? { recipe } : {}) };
  const entry = addVariant(opts.manifest, { id, format: 'tfjs', inputs, outputs, ...(opts.description ? { description: opts.description } : {}) }, version, variant);
  return { entry, variant, ...(served.copiedTo ? { copiedTo: served.copiedTo } : {}) };
}
