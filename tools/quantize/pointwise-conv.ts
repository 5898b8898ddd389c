/**
 * A 1×1 Conv (stride 1, no padding, one group) is a MatMul over channels. Rewritten as
 *   Transpose(NCHW→NHWC) → MatMul(·, Wᵀ) [+ bias] → Transpose(NHWC→NCHW)
 * it becomes dynamic-quantizable as DynamicQuantizeMatMul, which onnxruntime runs with prepacked
 * int8 weights and the rescale and bias fused in; ConvInteger has neither, so after it come
 * separate Cast, Mul and Add passes. onnxruntime's transpose optimizer then cancels the
 * Transpose pairs that meet across elementwise ops.
 */
import { onnx } from '../onnx/onnx-proto.js';
import { makeNode } from '../onnx/graph-walk.js';
import { floatTensor, readFloats } from '../onnx/tensor-data.js';
import { toNum } from '../onnx/long-int.js';
import { dynamicMatMul } from './dynamic.js';
import { constWeight } from './rewrite-context.js';
import type { Rewrite } from './rewrite-context.js';

function isPointwise(node: onnx.INodeProto, kernel: number[]): boolean {
  if (kernel.length !== 2 || kernel[0] !== 1 || kernel[1] !== 1) return false;
  for (const a of node.attribute ?? []) {
    const ints = (a.ints ?? []).map(toNum);
    if (a.name === 'group' && toNum(a.i) !== 1) return false;
    if ((a.name === 'strides' || a.name === 'dilations') && ints.some((v) => v !== 1)) return false;
    if (a.name === 'pads' && ints.some((v) => v !== 0)) return false;
    if (a.name === 'auto_pad' && a.s && new TextDecoder().decode(a.s) !== 'NOTSET') return false;
  }
  return true;
}

const perm = (p: number[]): onnx.AttributeProto => onnx.AttributeProto.create({ name: 'perm', ints: p, type: onnx.AttributeProto.AttributeType.INTS });

export const pointwiseConvAsMatMul: Rewrite = (node, ctx) => {
  const w = constWeight(node, 1, ctx);
  if (!w || w.dims.length !== 4 || !isPointwise(node, w.dims.slice(2))) return null;
  const biasName = node.input?.[2];
  const bias = biasName ? ctx.consts.get(biasName) : undefined;
  if (biasName && !bias) return null;
  const [m, c] = [w.dims[0]!, w.dims[1]!];
  const base = node.name || node.output![0]!;
  // Wᵀ as [C, M]: weight [M, C, 1, 1] read as an M×C matrix.
  const wt = new Float32Array(c * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < c; j++) wt[j * m + i] = w.data[i * c + j]!;
  const wtName = ctx.namer.fresh(`${w.name}_t`);
  // Registered as a constant so dynamicMatMul can read and quantize it like any MatMul weight.
  const wtTensor = floatTensor(wtName, [c, m], wt);
  ctx.consts.set(wtName, { tensor: wtTensor, node: null });
  const nhwc = ctx.namer.fresh(`${base}_nhwc`);
  const mm = ctx.namer.fresh(`${base}_matmul`);
  const matmul = makeNode('MatMul', [nhwc, wtName], [mm], ctx.namer.fresh(`${base}_as_matmul`));
  const quantized = dynamicMatMul(matmul, ctx);
  if (!quantized) return null;
  ctx.replaced.add(w.name);
  const nodes = [makeNode('Transpose', [node.input![0]!], [nhwc], ctx.namer.fresh(`${base}_to_nhwc`), [perm([0, 2, 3, 1])]), ...quantized];
  let last = mm;
  if (biasName && bias) {
    const b = ctx.namer.fresh(`${biasName}_v`);
    ctx.newInits.push(floatTensor(b, [m], readFloats(bias.tensor, ctx.baseDir)));
    ctx.replaced.add(biasName);
    last = ctx.namer.fresh(`${base}_biased`);
    nodes.push(makeNode('Add', [mm, b], [last], ctx.namer.fresh(`${base}_bias`)));
  }
  nodes.push(makeNode('Transpose', [last], [node.output![0]!], ctx.namer.fresh(`${base}_to_nchw`), [perm([0, 3, 1, 2])]));
  return nodes;
};
