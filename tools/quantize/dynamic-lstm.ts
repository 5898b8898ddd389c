/**
 * LSTM → com.microsoft DynamicQuantizeLSTM (onnxruntime's own dynamic quantizer does the same):
 * W and R stored int8, transposed to the kernel's [directions, input|hidden, 4·hidden] layout,
 * with one scale per gate column (shared by the directions, so the scale tensor is the column
 * scales repeated per direction); the input is quantized at run time inside the kernel.
 * GRU has no quantized kernel in onnxruntime (CPU or WASM), so GRU stays float in the integer
 * modes and gets int8 weights only in weight-only mode.
 */
import { floatTensor, int8Tensor } from '../onnx/tensor-data.js';
import { makeNode } from '../onnx/graph-walk.js';
import { quantizeSymmetric, symmetricScales } from './quant-math.js';
import { constWeight } from './rewrite-context.js';
import type { Rewrite, RewriteCtx, Weight } from './rewrite-context.js';

/** [D, rows, cols] → [D, cols, rows]. */
function transposeLast2(w: Weight): Weight {
  const [d, rows, cols] = w.dims as [number, number, number];
  const out = new Float32Array(w.data.length);
  for (let k = 0; k < d; k++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        out[k * rows * cols + c * rows + r] = w.data[k * rows * cols + r * cols + c]!;
      }
  return { name: w.name, dims: [d, cols, rows], data: out };
}

function quantized(w: Weight, ctx: RewriteCtx): { q: string; s: string; zp: string } {
  const t = transposeLast2(w);
  const [d, , gates] = t.dims as [number, number, number];
  const axis = ctx.perChannel ? 2 : null;
  const scales = symmetricScales(t.data, t.dims, axis);
  const shape = axis === null ? [d] : [d, gates];
  const perDirection = axis === null ? new Float32Array(d).fill(scales[0]!) : new Float32Array(d * gates).map((_, i) => scales[i % gates]!);
  const names = { q: ctx.namer.fresh(`${w.name}_quantized`), s: ctx.namer.fresh(`${w.name}_scale`), zp: ctx.namer.fresh(`${w.name}_zero_point`) };
  ctx.newInits.push(
    int8Tensor(names.q, t.dims, quantizeSymmetric(t.data, t.dims, axis, scales, 0)),
    floatTensor(names.s, shape, perDirection),
    int8Tensor(names.zp, shape, new Int8Array(perDirection.length)),
  );
  ctx.replaced.add(w.name);
  return names;
}

export const dynamicLstm: Rewrite = (node, ctx) => {
  const w = constWeight(node, 1, ctx);
  const r = constWeight(node, 2, ctx);
  if (!w || !r || w.dims.length !== 3 || r.dims.length !== 3) return null;
  // The contrib kernel has no `layout` attribute: batch-first LSTMs stay float.
  if (Number(node.attribute?.find((a) => a.name === 'layout')?.i ?? 0) !== 0) return null;
  const wq = quantized(w, ctx);
  const rq = quantized(r, ctx);
  const inputs = [...(node.input ?? [])];
  while (inputs.length < 8) inputs.push('');
  const base = node.name || node.output![0]!;
  return [
    makeNode(
      'DynamicQuantizeLSTM',
      [inputs[0]!, wq.q, rq.q, ...inputs.slice(3, 8), wq.s, wq.zp, rq.s, rq.zp],
      [...(node.output ?? [])],
      ctx.namer.fresh(`${base}_quant`),
      [...(node.attribute ?? [])],
      'com.microsoft',
    ),
  ];
};
