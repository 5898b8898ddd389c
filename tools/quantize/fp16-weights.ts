/**
 * fp16 weights, float32 compute: every float32 weight (initializer or Constant node) is stored as
 * float16 — half the bytes — and a Cast(to=FLOAT) right after it gives the graph back the float32
 * tensor under the weight's own name (onnxruntime's keep_io_types style). Inputs, outputs and
 * every op stay float32, so the model runs on every onnxruntime-web backend (WASM has few fp16
 * kernels), and onnxruntime folds the Casts once at load. Consumers need no renaming, in
 * subgraphs either: they still read the same name.
 */
import { onnx } from '../onnx/onnx-proto.js';
import { attrInt, allGraphs, makeNode } from '../onnx/graph-walk.js';
import type { Namer } from '../onnx/graph-walk.js';
import { DataType, dimsOf, readFloats } from '../onnx/tensor-data.js';
import { toHalfBytes } from './float16.js';

/**
 * Small float tensors (scales, epsilons, Resize scales, shape-like constants) stay float32: they
 * save nothing worth having, and some ops read them at graph-build time as constants.
 */
export const MIN_FP16_ELEMENTS = 256;

function halfTensor(name: string, dims: readonly number[], data: Float32Array): onnx.TensorProto {
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: DataType.FLOAT16, rawData: toHalfBytes(data) });
}

function isWeight(t: onnx.ITensorProto): boolean {
  return t.dataType === DataType.FLOAT && dimsOf(t).reduce((a, b) => a * b, 1) >= MIN_FP16_ELEMENTS;
}

const castToFloat = (from: string, to: string, namer: Namer): onnx.NodeProto => makeNode('Cast', [from], [to], namer.fresh(`${to}_cast_fp32`), [attrInt('to', DataType.FLOAT)]);

/** Rewrites `root` and its subgraphs in place; returns how many weights became float16. */
export function fp16Weights(root: onnx.IGraphProto, baseDir: string, namer: Namer, exclude: Set<string> = new Set()): number {
  let count = 0;
  for (const g of allGraphs(root)) {
    // A graph input with an initializer's name is an overridable default: it must stay as typed.
    const inputs = new Set((g.input ?? []).map((v) => v.name));
    const casts: onnx.NodeProto[] = [];
    g.initializer = (g.initializer ?? []).map((t) => {
      const name = t.name ?? '';
      if (!isWeight(t) || inputs.has(name) || exclude.has(name)) return t;
      const half = namer.fresh(`${name}_fp16`);
      casts.push(castToFloat(half, name, namer));
      count++;
      return halfTensor(half, dimsOf(t), readFloats(t, baseDir));
    });
    const nodes: onnx.INodeProto[] = [...casts];
    for (const node of g.node ?? []) {
      const value = node.opType === 'Constant' && (!node.domain || node.domain === 'ai.onnx') ? node.attribute?.find((a) => a.name === 'value' && a.t) : undefined;
      const out = node.output?.[0];
      if (!value?.t || !out || !isWeight(value.t) || exclude.has(out) || exclude.has(node.name ?? '')) {
        nodes.push(node);
        continue;
      }
      const half = namer.fresh(`${out}_fp16`);
      value.t = halfTensor(value.t.name ?? '', dimsOf(value.t), readFloats(value.t, baseDir));
      node.output = [half];
      nodes.push(node, castToFloat(half, out, namer));
      count++;
    }
    g.node = nodes;
  }
  return count;
}
