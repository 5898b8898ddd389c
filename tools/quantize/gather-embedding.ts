/**
 * Gather on an embedding table (a constant float [V, D] read by row, axis 0): the table is stored
 * int8 — one symmetric scale per embedding column — and the Gather reads int8 rows, which one
 * DequantizeLinear (axis -1) turns back into float. Only the gathered rows are dequantized, so
 * it costs nothing per call; what it buys is a ~4× smaller table, usually most of a text model's
 * bytes. The same rewrite serves every mode: no integer kernel would use these rows anyway.
 */
import { attrInt, makeNode } from '../onnx/graph-walk.js';
import { floatTensor, int8Tensor } from '../onnx/tensor-data.js';
import { quantizeSymmetric, symmetricScales } from './quant-math.js';
import { constWeight } from './rewrite-context.js';
import type { Rewrite } from './rewrite-context.js';

export const gatherEmbedding: Rewrite = (node, ctx) => {
  const axis = Number(node.attribute?.find((a) => a.name === 'axis')?.i ?? 0);
  const indices = node.input?.[1];
  // Per-column scales need DequantizeLinear's axis (opset 13); a constant index is folded anyway.
  if (axis !== 0 || !indices || ctx.consts.has(indices) || ctx.opset < 13) return null;
  const w = constWeight(node, 0, ctx);
  if (!w || w.dims.length !== 2) return null;
  const y = node.output![0]!;
  const base = node.name || y;
  const scaleAxis = ctx.perChannel ? 1 : null;
  const scales = symmetricScales(w.data, w.dims, scaleAxis);
  const wq = ctx.namer.fresh(`${w.name}_quantized`);
  const ws = ctx.namer.fresh(`${w.name}_scale`);
  const rows = ctx.namer.fresh(`${base}_int8_rows`);
  ctx.newInits.push(int8Tensor(wq, w.dims, quantizeSymmetric(w.data, w.dims, scaleAxis, scales, 0)), floatTensor(ws, scaleAxis === null ? [] : [w.dims[1]!], scales));
  ctx.replaced.add(w.name);
  return [
    makeNode('Gather', [wq, indices], [rows], ctx.namer.fresh(`${base}_quant`), [attrInt('axis', 0)]),
    makeNode('DequantizeLinear', [rows, ws], [y], ctx.namer.fresh(`${base}_dq`), scaleAxis === null ? [] : [attrInt('axis', -1)]),
  ];
};
