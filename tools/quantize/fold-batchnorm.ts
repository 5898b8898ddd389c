/**
 * Folds BatchNormalization into the Conv before it (W' = W·γ/√(σ²+ε) per output channel,
 * b' = (b − μ)·γ/√(σ²+ε) + β), as onnxruntime's own quantizer does in its pre-processing.
 * onnxruntime folds it at load for fp32, but not after ConvInteger or a QDQ unit: left in, the
 * int8 model ran one extra BatchNormalization per Conv that fp32 never ran (ocr-cls has 35).
 * Only a Conv whose output nothing but the BN reads, with every parameter constant, is folded.
 */
import type { onnx } from '../onnx/onnx-proto.js';
import { constantsOf, useCounts } from '../onnx/graph-walk.js';
import type { Namer } from '../onnx/graph-walk.js';
import { DataType, dimsOf, floatTensor, readFloats } from '../onnx/tensor-data.js';

export function foldBatchNorms(graph: onnx.IGraphProto, baseDir: string, namer: Namer, replaced: Set<string>): number {
  const consts = constantsOf(graph);
  const uses = useCounts(graph);
  const producer = new Map<string, onnx.INodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) producer.set(o, n);
  const isFloatConst = (name: string | undefined): boolean => !!name && consts.get(name)?.tensor.dataType === DataType.FLOAT;
  const drop = new Set<onnx.INodeProto>();
  const added: onnx.ITensorProto[] = [];
  for (const bn of graph.node ?? []) {
    if (bn.opType !== 'BatchNormalization' || (bn.domain && bn.domain !== 'ai.onnx') || (bn.output?.length ?? 0) !== 1) continue;
    const x = bn.input?.[0];
    const conv = x ? producer.get(x) : undefined;
    if (!conv || conv.opType !== 'Conv' || uses.get(x!) !== 1 || drop.has(conv)) continue;
    const [wName, bName] = [conv.input?.[1], conv.input?.[2]];
    if (!isFloatConst(wName) || (bName && !isFloatConst(bName)) || !bn.input!.slice(1, 5).every(isFloatConst)) continue;
    const eps = bn.attribute?.find((a) => a.name === 'epsilon')?.f ?? 1e-5;
    const [gamma, beta, mean, variance] = bn.input!.slice(1, 5).map((n) => readFloats(consts.get(n)!.tensor, baseDir)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const wRef = consts.get(wName!)!.tensor;
    const dims = dimsOf(wRef);
    const w = readFloats(wRef, baseDir);
    const m = dims[0]!;
    const per = w.length / m;
    const b = bName ? readFloats(consts.get(bName)!.tensor, baseDir) : new Float32Array(m);
    const k = gamma.map((g, c) => g / Math.sqrt(variance[c]! + eps));
    for (let i = 0; i < w.length; i++) w[i]! *= k[Math.floor(i / per)]!;
    const bias = b.map((v, c) => (v - mean[c]!) * k[c]! + beta[c]!);
    const wNew = namer.fresh(`${wName}_bn_folded`);
    const bNew = namer.fresh(`${bName ?? conv.name ?? 'conv'}_bias_bn_folded`);
    added.push(floatTensor(wNew, dims, w), floatTensor(bNew, [m], bias));
    conv.input = [conv.input![0]!, wNew, bNew];
    conv.output = [bn.output![0]!];
    [wName!, bName, ...bn.input!.slice(1, 5)].forEach((n) => n && replaced.add(n));
    drop.add(bn);
  }
  if (drop.size) {
    graph.node = (graph.node ?? []).filter((n) => !drop.has(n));
    graph.initializer = [...(graph.initializer ?? []), ...added];
  }
  return drop.size;
}
