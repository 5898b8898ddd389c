/**
 * Dynamic quantization: int8 weights stored in the model, activations quantized to uint8 at run
 * time by DynamicQuantizeLinear. The result is rescaled in float:
 *   y = float(MatMulInteger(x_q, w_q, x_zp)) * (x_scale * w_scale)
 * which onnxruntime fuses (MatMulIntegerToFloat → DynamicQuantizeMatMul) into one MLAS u8s8 GEMM.
 * Conv goes to ConvInteger, whose onnxruntime kernel takes uint8 weights and a *scalar* weight
 * zero point only, so per-channel is done as symmetric uint8 (zero point 128 for every channel)
 * with the per-channel scales folded into the float rescale.
 */
import { onnx } from '../onnx/onnx-proto.js';
import { attrInt, makeNode } from '../onnx/graph-walk.js';
import { floatTensor, int8Tensor, readFloats } from '../onnx/tensor-data.js';
import { quantizeSymmetric, symmetricScales } from './quant-math.js';
import { channelDims, constWeight } from './rewrite-context.js';
import type { Rewrite, RewriteCtx, Weight } from './rewrite-context.js';

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** x → (x_q, x_scale, x_zp), named after the node. */
function dynamicQuantize(x: string, base: string, ctx: RewriteCtx): { nodes: onnx.NodeProto[]; q: string; s: string; zp: string } {
  const q = ctx.namer.fresh(`${x}_quantized`);
  const s = ctx.namer.fresh(`${x}_scale`);
  const zp = ctx.namer.fresh(`${x}_zero_point`);
  return { nodes: [makeNode('DynamicQuantizeLinear', [x], [q, s, zp], ctx.namer.fresh(`${base}_dql`))], q, s, zp };
}

/**
 * int32 accumulator → float, times x_scale * w_scale. At opset ≥ 13 a per-axis DequantizeLinear
 * (int32 input, no zero point) does the Cast and the Mul in one pass over the output.
 */
function rescale(acc: string, xScale: string, wScale: string, out: string, base: string, ctx: RewriteCtx, dqAxis?: number): onnx.NodeProto[] {
  const f = ctx.namer.fresh(`${base}_float`);
  const s = ctx.namer.fresh(`${base}_scale`);
  if (dqAxis !== undefined && ctx.opset >= 13) {
    return [
      makeNode('Mul', [xScale, wScale], [s], ctx.namer.fresh(`${base}_scale_mul`)),
      makeNode('DequantizeLinear', [acc, s], [out], ctx.namer.fresh(`${base}_rescale`), [attrInt('axis', dqAxis)]),
    ];
  }
  return [
    makeNode('Cast', [acc], [f], ctx.namer.fresh(`${base}_cast`), [attrInt('to', FLOAT)]),
    makeNode('Mul', [xScale, wScale], [s], ctx.namer.fresh(`${base}_scale_mul`)),
    makeNode('Mul', [f, s], [out], ctx.namer.fresh(`${base}_out_mul`)),
  ];
}

/** x · W through MatMulInteger with W an int8 [K, N] weight (quantized once per graph). */
function integerMatMul(x: string, w: Weight, out: string, base: string, ctx: RewriteCtx, scaleBy = 1): onnx.NodeProto[] {
  let names = ctx.made.integerWeights.get(w.name);
  if (!names) {
    const axis = ctx.perChannel ? 1 : null;
    const scales = symmetricScales(w.data, w.dims, axis);
    names = { wq: ctx.namer.fresh(`${w.name}_quantized`), ws: ctx.namer.fresh(`${w.name}_scale`) };
    ctx.newInits.push(
      int8Tensor(names.wq, w.dims, quantizeSymmetric(w.data, w.dims, axis, scales, 0)),
      floatTensor(
        names.ws,
        axis === null ? [] : [w.dims[1]!],
        scales.map((v) => v * scaleBy),
      ),
    );
    ctx.made.integerWeights.set(w.name, names);
  }
  ctx.replaced.add(w.name);
  const dq = dynamicQuantize(x, base, ctx);
  const acc = ctx.namer.fresh(`${base}_int32`);
  return [...dq.nodes, makeNode('MatMulInteger', [dq.q, names.wq, dq.zp], [acc], ctx.namer.fresh(`${base}_quant`)), ...rescale(acc, dq.s, names.ws, out, base, ctx)];
}

export const dynamicMatMul: Rewrite = (node, ctx) => {
  const w = constWeight(node, 1, ctx);
  if (!w || w.dims.length !== 2) return null;
  return integerMatMul(node.input![0]!, w, node.output![0]!, node.name || node.output![0]!, ctx);
};

const attrOf = (node: onnx.INodeProto, name: string, fallback: number): number => {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? (a.type === onnx.AttributeProto.AttributeType.FLOAT ? (a.f ?? fallback) : Number(a.i ?? fallback)) : fallback;
};

/**
 * Gemm (what PyTorch exports for nn.Linear on 2-D input): Y = alpha · A · B' + beta · C.
 * onnxruntime has no integer Gemm for dynamic activations, so it becomes the MatMul path with B
 * transposed at quantize time when transB is set, alpha folded into the weight scale, and C added
 * in float. transA (rare) stays float.
 */
export const dynamicGemm: Rewrite = (node, ctx) => {
  const w = constWeight(node, 1, ctx);
  if (!w || w.dims.length !== 2 || attrOf(node, 'transA', 0) !== 0) return null;
  const base = node.name || node.output![0]!;
  let weight = w;
  if (attrOf(node, 'transB', 0) === 1) {
    const [n, k] = w.dims as [number, number];
    const t = new Float32Array(w.data.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) t[j * n + i] = w.data[i * k + j]!;
    // A distinct name: the [N, K] original may also feed a node that reads it untransposed.
    weight = { name: `${w.name}__transposed`, dims: [k, n], data: t };
    ctx.replaced.add(w.name);
  }
  const c = node.input?.[2];
  const y = node.output![0]!;
  const mm = c ? ctx.namer.fresh(`${base}_matmul`) : y;
  const nodes = integerMatMul(node.input![0]!, weight, mm, base, ctx, attrOf(node, 'alpha', 1));
  if (c) {
    const beta = attrOf(node, 'beta', 1);
    let bias = c;
    if (beta !== 1) {
      bias = ctx.namer.fresh(`${base}_beta_c`);
      const b = ctx.namer.fresh(`${base}_beta`);
      ctx.newInits.push(floatTensor(b, [], Float32Array.of(beta)));
      nodes.push(makeNode('Mul', [c, b], [bias], ctx.namer.fresh(`${base}_beta_mul`)));
    }
    nodes.push(makeNode('Add', [mm, bias], [y], ctx.namer.fresh(`${base}_bias`)));
  }
  return nodes;
};

/** Which Convs dynamic mode takes: ConvInteger has no depthwise fast path (see README). */
export type ConvPolicy = 'all' | 'dense' | 'matmul' | 'none';

export function dynamicConv(policy: ConvPolicy): Rewrite {
  return (node, ctx) => {
    if (policy === 'none' || policy === 'matmul') return null;
    const group = Number(node.attribute?.find((a) => a.name === 'group')?.i ?? 1);
    if (policy === 'dense' && group !== 1) return null;
    const w = constWeight(node, 1, ctx);
    const biasName = node.input?.[2];
    const bias = biasName ? ctx.consts.get(biasName) : undefined;
    // A computed (non-constant) bias is rare; such a Conv stays float.
    if (!w || (biasName && !bias)) return null;
    const base = node.name || node.output![0]!;
    const m = w.dims[0]!;
    const axis = ctx.perChannel ? 0 : null;
    const scales = symmetricScales(w.data, w.dims, axis);
    const wq = ctx.namer.fresh(`${w.name}_quantized`);
    const wzp = ctx.namer.fresh(`${w.name}_zero_point`);
    const ws = ctx.namer.fresh(`${w.name}_scale`);
    ctx.newInits.push(
      int8Tensor(wq, w.dims, quantizeSymmetric(w.data, w.dims, axis, scales, 128)),
      int8Tensor(wzp, [], Uint8Array.of(128)),
      // DequantizeLinear wants a 1-D per-axis scale; the Mul fallback a broadcastable [1,M,1,1].
      floatTensor(ws, axis === null ? [] : ctx.opset >= 13 ? [m] : channelDims(m, w.dims.length), scales),
    );
    ctx.replaced.add(w.name);
    const dq = dynamicQuantize(node.input![0]!, base, ctx);
    const acc = ctx.namer.fresh(`${base}_int32`);
    const attrs = (node.attribute ?? []).map((a) => onnx.AttributeProto.create(a));
    const scaled = biasName ? ctx.namer.fresh(`${base}_nobias`) : node.output![0]!;
    const nodes = [
      ...dq.nodes,
      makeNode('ConvInteger', [dq.q, wq, dq.zp, wzp], [acc], ctx.namer.fresh(`${base}_quant`), attrs),
      ...rescale(acc, dq.s, ws, scaled, base, ctx, axis === null ? undefined : 1),
    ];
    if (biasName && bias) {
      // Conv adds its 1-D bias per channel; after the rewrite it is a broadcast Add.
      const b = ctx.namer.fresh(`${biasName}_nc`);
      ctx.newInits.push(floatTensor(b, channelDims(m, w.dims.length), readFloats(bias.tensor, ctx.baseDir)));
      ctx.replaced.add(biasName);
      nodes.push(makeNode('Add', [scaled, b], [node.output![0]!], ctx.namer.fresh(`${base}_bias`)));
    }
    return nodes;
  };
}
