/**
 * Static quantization in QDQ form: QuantizeLinear/DequantizeLinear pairs around each Conv and
 * MatMul — on its activation input (uint8, range from calibration), its int8 weight, its int32
 * bias, and its output. The model stays valid float ONNX, and onnxruntime's QDQ transformer fuses
 * each "DQ → op → Q" unit into QLinearConv / QLinearMatMul with prepacked int8 weights.
 * The output Q matters: without it onnxruntime finds no unit to fuse and runs DQ + float Conv,
 * slower than fp32. Per-channel weights need DequantizeLinear's `axis` (opset 13).
 */
import { onnx } from '../onnx/onnx-proto.js';
import { attrInt, makeNode } from '../onnx/graph-walk.js';
import { dimsOf, floatTensor, int8Tensor, readFloats } from '../onnx/tensor-data.js';
import { asymmetricParams, quantizeSymmetric, symmetricScales } from './quant-math.js';
import { constWeight } from './rewrite-context.js';
import type { Rewrite, RewriteCtx } from './rewrite-context.js';

const INT32 = onnx.TensorProto.DataType.INT32;

function qdq(x: string, ctx: RewriteCtx, out: onnx.NodeProto[], target?: string): string | null {
  const range = ctx.ranges?.get(x);
  if (!range) return null;
  const cache = ctx.made.dequantizedActivations;
  const hit = cache.get(x);
  if (hit && !target) return hit;
  const { scale, zeroPoint } = asymmetricParams(range.min, range.max);
  const s = ctx.namer.fresh(`${x}_scale`);
  const zp = ctx.namer.fresh(`${x}_zero_point`);
  const q = ctx.namer.fresh(`${x}_quantized`);
  const y = target ?? ctx.namer.fresh(`${x}_dequantized`);
  ctx.newInits.push(floatTensor(s, [], Float32Array.of(scale)), int8Tensor(zp, [], Uint8Array.of(zeroPoint)));
  out.push(makeNode('QuantizeLinear', [x, s, zp], [q], ctx.namer.fresh(`${x}_q`)), makeNode('DequantizeLinear', [q, s, zp], [y], ctx.namer.fresh(`${x}_dq`)));
  // An output written to its original name is already the dequantized value for later readers.
  cache.set(target ? y : x, y);
  return y;
}

const intAttr = (node: onnx.INodeProto, name: string, fallback: number): number => Number(node.attribute?.find((a) => a.name === name)?.i ?? fallback);
const floatAttr = (node: onnx.INodeProto, name: string): number => node.attribute?.find((a) => a.name === name)?.f ?? 1;

function int32Tensor(name: string, dims: number[], data: Int32Array): onnx.TensorProto {
  return onnx.TensorProto.create({ name, dims, dataType: INT32, rawData: new Uint8Array(data.buffer.slice(0)) });
}

function qdqOp(weightAxis: (rank: number, node: onnx.INodeProto) => number): Rewrite {
  return (node, ctx) => {
    const w = constWeight(node, 1, ctx);
    const x = node.input?.[0];
    const y = node.output?.[0];
    const biasName = node.input?.[2];
    const bias = biasName ? ctx.consts.get(biasName) : undefined;
    if (!w || !x || !y || (biasName && !bias) || !ctx.ranges?.has(x) || !ctx.ranges.has(y)) return null;
    if (node.opType === 'MatMul' && w.dims.length !== 2) return null;
    // QGemm (onnxruntime's fusion of DQ → Gemm → Q) adds an int32 bias at x_scale · w_scale:
    // only plain Y = A · B' + C with a 1-D C fits that.
    if (
      node.opType === 'Gemm' &&
      (intAttr(node, 'transA', 0) !== 0 || floatAttr(node, 'alpha') !== 1 || floatAttr(node, 'beta') !== 1 || (bias && dimsOf(bias.tensor).length !== 1))
    )
      return null;
    const nodes: onnx.NodeProto[] = [];
    const xdq = qdq(x, ctx, nodes)!;
    const axis = ctx.perChannel && ctx.opset >= 13 ? weightAxis(w.dims.length, node) : null;
    const scales = symmetricScales(w.data, w.dims, axis);
    const wq = ctx.namer.fresh(`${w.name}_quantized`);
    const ws = ctx.namer.fresh(`${w.name}_scale`);
    const wzp = ctx.namer.fresh(`${w.name}_zero_point`);
    const wdq = ctx.namer.fresh(`${w.name}_dequantized`);
    const c = axis === null ? 1 : w.dims[axis]!;
    const shape = axis === null ? [] : [c];
    ctx.newInits.push(int8Tensor(wq, w.dims, quantizeSymmetric(w.data, w.dims, axis, scales, 0)), floatTensor(ws, shape, scales), int8Tensor(wzp, shape, new Int8Array(c)));
    const axisAttr = axis === null ? [] : [attrInt('axis', axis)];
    nodes.push(makeNode('DequantizeLinear', [wq, ws, wzp], [wdq], ctx.namer.fresh(`${w.name}_dq`), axisAttr));
    ctx.replaced.add(w.name);
    const inputs = [xdq, wdq];
    if (biasName && bias) {
      // Bias in int32 at scale x_scale * w_scale, zero point 0: what QLinearConv adds in its
      // accumulator. A float bias would break the DQ→Conv→Q unit and with it the fusion.
      const xs = asymmetricParams(ctx.ranges.get(x)!.min, ctx.ranges.get(x)!.max).scale;
      const b = readFloats(bias.tensor, ctx.baseDir);
      const bs = new Float32Array(b.length).map((_, i) => xs * scales[axis === null ? 0 : i]!);
      const bq = Int32Array.from(b, (v, i) => Math.round(v / bs[i]!));
      const names = ['quantized', 'scale', 'dequantized'].map((k) => ctx.namer.fresh(`${biasName}_${k}`));
      ctx.newInits.push(int32Tensor(names[0]!, [b.length], bq), floatTensor(names[1]!, axis === null ? [] : [b.length], axis === null ? bs.subarray(0, 1) : bs));
      nodes.push(makeNode('DequantizeLinear', [names[0]!, names[1]!], [names[2]!], ctx.namer.fresh(`${biasName}_dq`), axis === null ? [] : [attrInt('axis', 0)]));
      inputs.push(names[2]!);
      ctx.replaced.add(biasName);
    }
    const raw = ctx.namer.fresh(`${y}_float`);
    nodes.push(onnx.NodeProto.create({ ...node, input: inputs, output: [raw] }));
    // Q/DQ on the output, written straight to the original name so consumers are untouched.
    const before = ctx.ranges.get(y)!;
    ctx.ranges.set(raw, before);
    qdq(raw, ctx, nodes, y);
    return nodes;
  };
}

export const staticRewrites: Record<string, Rewrite> = {
  Conv: qdqOp(() => 0),
  MatMul: qdqOp((rank) => rank - 1),
  // B is [K, N], or [N, K] under transB: the output channel is N either way.
  Gemm: qdqOp((_rank, node) => (intAttr(node, 'transB', 0) === 1 ? 0 : 1)),
};
