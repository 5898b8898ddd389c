/**
 * What every per-node rewrite needs: the graph being rewritten, its constants, fresh names, and
 * a place to put new initializers. Rewrites are registered per op type (a table, not if-chains),
 * and return the nodes that replace the original — or null to keep it as it is.
 */
import type { onnx } from '../onnx/onnx-proto.js';
import type { ConstRef, Namer } from '../onnx/graph-walk.js';
import { dimsOf, readFloats } from '../onnx/tensor-data.js';
import { DataType } from '../onnx/tensor-data.js';

export interface RewriteCtx {
  graph: onnx.IGraphProto;
  consts: Map<string, ConstRef>;
  namer: Namer;
  baseDir: string;
  opset: number;
  perChannel: boolean;
  newInits: onnx.TensorProto[];
  /** Weight names that were replaced, pruned afterwards if nothing else reads them. */
  replaced: Set<string>;
  /** Activation ranges from calibration (static mode). */
  ranges?: Map<string, { min: number; max: number }>;
  /** What this graph's rewrites already made, so shared weights and activations stay shared. */
  made: RewriteMemo;
}

export interface RewriteMemo {
  /** Dynamic MatMul: weight name → its int8 twin and scale. */
  integerWeights: Map<string, { wq: string; ws: string }>;
  /** Weight-only: weight name → its dequantized twin. */
  dequantizedWeights: Map<string, string>;
  /** q4: weight name (and whether transposed) → its MatMulNBits inputs (B, scales, zero points) and K, N. */
  q4Weights: Map<string, { names: string[]; k: number; n: number }>;
  /** Static QDQ: activation name → its dequantized twin. */
  dequantizedActivations: Map<string, string>;
}

export function newRewriteMemo(): RewriteMemo {
  return { integerWeights: new Map(), dequantizedWeights: new Map(), q4Weights: new Map(), dequantizedActivations: new Map() };
}

export type Rewrite = (node: onnx.INodeProto, ctx: RewriteCtx) => onnx.NodeProto[] | null;

export interface Weight {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** Weights smaller than this stay float: the Q/DQ plumbing would cost more than it saves. */
const MIN_WEIGHT_ELEMENTS = 256;

/** The float constant feeding `node.input[index]`, if it is one worth quantizing. */
export function constWeight(node: onnx.INodeProto, index: number, ctx: RewriteCtx): Weight | null {
  const name = node.input?.[index];
  if (!name) return null;
  const ref = ctx.consts.get(name);
  if (!ref || ref.tensor.dataType !== DataType.FLOAT) return null;
  const dims = dimsOf(ref.tensor);
  if (dims.reduce((a, b) => a * b, 1) < MIN_WEIGHT_ELEMENTS) return null;
  return { name, dims, data: readFloats(ref.tensor, ctx.baseDir) };
}

/** [1, C, 1, 1…] so a per-channel vector broadcasts over an NC… activation. */
export function channelDims(channels: number, rank: number): number[] {
  return [1, channels, ...Array<number>(Math.max(0, rank - 2)).fill(1)];
}
