/**
 * Weight-only int8: weights stored as int8 (a ~4× smaller download) and turned back into float
 * in the graph, so the compute stays float — the right trade for WebGPU, whose kernels are float.
 * DequantizeLinear does it where the opset allows (per-channel `axis` needs opset 13); below
 * that, Cast + Mul by a broadcast scale says the same thing with opset-6 ops. Either way the
 * dequantization reads only constants, so a runtime can fold it once at load.
 */
import { onnx } from '../onnx/onnx-proto.js';
import { attrInt, makeNode } from '../onnx/graph-walk.js';
import { floatTensor, int8Tensor } from '../onnx/tensor-data.js';
import { quantizeSymmetric, symmetricScales } from './quant-math.js';
import { constWeight } from './rewrite-context.js';
import type { Rewrite, RewriteCtx, Weight } from './rewrite-context.js';

function dequantizedWeight(w: Weight, axis: number | null, ctx: RewriteCtx, out: onnx.NodeProto[]): string {
  const cache = ctx.made.dequantizedWeights;
  const hit = cache.get(w.name);
  if (hit) return hit;
  // Per-channel via DequantizeLinear's axis needs opset 13; per-tensor DQ needs 10.
  const useDq = axis === null ? ctx.opset >= 10 : ctx.opset >= 13;
  const scales = symmetricScales(w.data, w.dims, axis);
  const wq = ctx.namer.fresh(`${w.name}_quantized`);
  const ws = ctx.namer.fresh(`${w.name}_scale`);
  const y = ctx.namer.fresh(`${w.name}_dequantized`);
  const c = axis === null ? 1 : w.dims[axis]!;
  // Cast+Mul needs the scale shaped to broadcast along `axis`; DQ takes it 1-D.
  const scaleDims = axis === null ? [] : useDq ? [c] : w.dims.map((d, i) => (i === axis ? d : 1)).slice(axis);
  ctx.newInits.push(int8Tensor(wq, w.dims, quantizeSymmetric(w.data, w.dims, axis, scales, 0)), floatTensor(ws, scaleDims, scales));
  if (useDq) {
    const attrs = axis === null ? [] : [attrInt('axis', axis)];
    out.push(makeNode('DequantizeLinear', [wq, ws], [y], ctx.namer.fresh(`${w.name}_dq`), attrs));
  } else {
    const f = ctx.namer.fresh(`${w.name}_float`);
    out.push(
      makeNode('Cast', [wq], [f], ctx.namer.fresh(`${w.name}_cast`), [attrInt('to', onnx.TensorProto.DataType.FLOAT)]),
      makeNode('Mul', [f, ws], [y], ctx.namer.fresh(`${w.name}_dq`)),
    );
  }
  ctx.replaced.add(w.name);
  cache.set(w.name, y);
  return y;
}

/** Which inputs of which ops are weights, and their output-channel axis. */
const WEIGHT_INPUTS: Record<string, { index: number; axis: (rank: number) => number }[]> = {
  Conv: [{ index: 1, axis: () => 0 }],
  ConvTranspose: [{ index: 1, axis: () => 1 }],
  MatMul: [{ index: 1, axis: (r) => r - 1 }],
  Gemm: [{ index: 1, axis: () => 1 }],
  // LSTM/GRU W and R are [directions, gates*hidden, in]: one scale per gate row.
  LSTM: [
    { index: 1, axis: () => 1 },
    { index: 2, axis: () => 1 },
  ],
  GRU: [
    { index: 1, axis: () => 1 },
    { index: 2, axis: () => 1 },
  ],
};

export const weightOnly: Rewrite = (node, ctx) => {
  const specs = WEIGHT_INPUTS[node.opType ?? ''];
  if (!specs) return null;
  const pre: onnx.NodeProto[] = [];
  const inputs = [...(node.input ?? [])];
  for (const spec of specs) {
    const w = constWeight(node, spec.index, ctx);
    if (!w) continue;
    // Gemm with transB stores B as [N, K]: its output channel is axis 0.
    const transB = node.opType === 'Gemm' && Number(node.attribute?.find((a) => a.name === 'transB')?.i ?? 0) === 1;
    const axis = ctx.perChannel ? (transB ? 0 : spec.axis(w.dims.length)) : null;
    inputs[spec.index] = dequantizedWeight(w, axis, ctx, pre);
  }
  if (pre.length === 0 && inputs.every((n, i) => n === node.input?.[i])) return null;
  const copy = onnx.NodeProto.create({ ...node, input: inputs });
  return [...pre, copy];
};
