/**
 * The quantizer's entry point: picks the rewrites for a mode, walks every graph (subgraphs of
 * If/Loop included, with outer-scope constants visible inside them), applies them node by node in
 * topological order, and drops the float weights that nothing reads any more.
 */
import type { onnx } from '../onnx/onnx-proto.js';
import { Namer, allGraphs, constantsOf, pruneUnused, subgraphsOf } from '../onnx/graph-walk.js';
import type { ConstRef } from '../onnx/graph-walk.js';
import { checkOpset } from '../onnx/model-io.js';
import { canUpgradeTo13, upgradeToOpset11, upgradeToOpset13 } from '../onnx/opset-upgrade.js';
import { dynamicConv, dynamicGemm, dynamicMatMul } from './dynamic.js';
import type { ConvPolicy } from './dynamic.js';
import { weightOnly } from './weight-only.js';
import { pointwiseConvAsMatMul } from './pointwise-conv.js';
import { staticRewrites } from './static-qdq.js';
import { gatherEmbedding } from './gather-embedding.js';
import { dynamicLstm } from './dynamic-lstm.js';
import { foldBatchNorms } from './fold-batchnorm.js';
import { newRewriteMemo } from './rewrite-context.js';
import { fp16Weights } from './fp16-weights.js';
import { MS_DOMAIN, matMulNBits } from './matmul-nbits.js';
import type { Rewrite, RewriteCtx } from './rewrite-context.js';

export type QuantMode = 'dynamic' | 'static' | 'weight-only' | 'fp16' | 'q4';

/** Modes that rewrite weights only and keep the model's opset (no integer ops of ai.onnx). */
const keepsOpset = (mode: QuantMode): boolean => mode === 'weight-only' || mode === 'fp16' || mode === 'q4';

export const DEFAULT_Q4_BLOCK_SIZE = 32;

export interface QuantizeOptions {
  mode: QuantMode;
  perChannel: boolean;
  /** Node names or op types to leave in float. */
  exclude?: string[];
  /** Dynamic mode: which Convs become ConvInteger. */
  convs?: ConvPolicy;
  /**
   * Dynamic mode: raise the opset to 13 so per-channel rescaling is one DequantizeLinear instead
   * of Cast + Mul (~5% faster on ocr-rec). Default: when the model's ops allow it.
   */
  opset13?: boolean;
  /** Static mode: activation ranges by tensor name (from calibrate()). */
  ranges?: Map<string, { min: number; max: number }>;
  /** q4 mode: weights per scale along K (a power of 2, ≥ 16). Default 32. */
  blockSize?: number;
  /** q4 mode: symmetric blocks (no zero points) instead of asymmetric (onnxruntime's default). */
  symmetric?: boolean;
}

export interface QuantizeReport {
  opsetBefore: number;
  opsetAfter: number;
  /** Quantized node count by op type. */
  quantized: Record<string, number>;
  recipe: string;
}

/**
 * Convs that ConvInteger doesn't take (depthwise, under the default 'dense' policy) still get
 * int8 weights, dequantized at load: the download shrinks even where the compute stays float.
 */
function dynamicOrWeightOnlyConv(policy: ConvPolicy): Rewrite {
  const integer = dynamicConv(policy);
  if (policy === 'matmul') return (node, ctx) => pointwiseConvAsMatMul(node, ctx) ?? dynamicConv('dense')(node, ctx) ?? weightOnly(node, ctx);
  return (node, ctx) => integer(node, ctx) ?? weightOnly(node, ctx);
}

function rewritesFor(opts: QuantizeOptions): Record<string, Rewrite> {
  switch (opts.mode) {
    case 'dynamic':
      return { MatMul: dynamicMatMul, Gemm: dynamicGemm, Conv: dynamicOrWeightOnlyConv(opts.convs ?? 'dense'), Gather: gatherEmbedding, LSTM: dynamicLstm };
    case 'weight-only':
      return { Conv: weightOnly, ConvTranspose: weightOnly, MatMul: weightOnly, Gemm: weightOnly, LSTM: weightOnly, GRU: weightOnly, Gather: gatherEmbedding };
    case 'q4': {
      const q4 = matMulNBits({ blockSize: opts.blockSize ?? DEFAULT_Q4_BLOCK_SIZE, symmetric: opts.symmetric ?? false });
      return { MatMul: q4, Gemm: q4 };
    }
    case 'fp16':
      return {}; // a whole-graph pass, not per node (see quantizeModel)
    case 'static': {
      // Depthwise Convs stay float with int8 weights unless --convs all (see README for why).
      const conv = staticRewrites.Conv!;
      const dense: Rewrite = (node, ctx) =>
        (opts.convs !== 'all' && Number(node.attribute?.find((a) => a.name === 'group')?.i ?? 1) !== 1 ? null : conv(node, ctx)) ?? weightOnly(node, ctx);
      // LSTM has no QDQ fusion in onnxruntime; it takes the dynamic kernel here too.
      return { ...staticRewrites, Conv: dense, Gather: gatherEmbedding, LSTM: dynamicLstm };
    }
  }
}

export function recipeOf(opts: QuantizeOptions): string {
  const parts = [`quantize --mode ${opts.mode}`];
  if (opts.mode === 'q4') parts.push(`--block-size ${opts.blockSize ?? DEFAULT_Q4_BLOCK_SIZE}`, ...(opts.symmetric ? ['--symmetric'] : []));
  else if (opts.perChannel && opts.mode !== 'fp16') parts.push('--per-channel');
  // The Conv policy changes the model in both integer modes (static honours only 'all': depthwise
  // Convs in QDQ too), so two different models must not share one recipe string.
  if (opts.mode === 'dynamic' && opts.convs && opts.convs !== 'dense') parts.push(`--convs ${opts.convs}`);
  if (opts.mode === 'static' && opts.convs === 'all') parts.push('--convs all');
  if (opts.exclude?.length) parts.push(`--exclude ${opts.exclude.join(',')}`);
  return parts.join(' ');
}

function rewriteGraph(
  graph: onnx.IGraphProto,
  outer: Map<string, ConstRef>,
  base: Omit<RewriteCtx, 'graph' | 'consts' | 'newInits' | 'made'>,
  table: Record<string, Rewrite>,
  exclude: Set<string>,
  counts: Record<string, number>,
): void {
  const consts = new Map([...outer, ...constantsOf(graph)]);
  const ctx: RewriteCtx = { ...base, graph, consts, newInits: [], made: newRewriteMemo() };
  const nodes: onnx.INodeProto[] = [];
  for (const node of graph.node ?? []) {
    for (const g of subgraphsOf(node)) rewriteGraph(g, consts, base, table, exclude, counts);
    const op = node.opType ?? '';
    const rewrite = (!node.domain || node.domain === 'ai.onnx') && !exclude.has(op) && !exclude.has(node.name ?? '') ? table[op] : undefined;
    const replacement = rewrite?.(node, ctx) ?? null;
    if (replacement) counts[op] = (counts[op] ?? 0) + 1;
    nodes.push(...(replacement ?? [node]));
  }
  graph.node = nodes;
  if (ctx.newInits.length) graph.initializer = [...(graph.initializer ?? []), ...ctx.newInits];
}

/** Quantizes `model` in place. `baseDir` resolves external data. */
export function quantizeModel(model: onnx.ModelProto, baseDir: string, opts: QuantizeOptions, label = 'model'): QuantizeReport {
  const opsetBefore = checkOpset(model, label);
  const root = model.graph!;
  const namer = new Namer(root);
  // Integer ops need opset ≥ 10/11; weight-only falls back to Cast+Mul and keeps the opset.
  // Per-channel DequantizeLinear (static QDQ) needs opset 13.
  const opset = keepsOpset(opts.mode)
    ? opsetBefore
    : opts.perChannel && (opts.mode === 'static' || (opts.opset13 ?? canUpgradeTo13(model)))
      ? upgradeToOpset13(model, namer)
      : upgradeToOpset11(model, namer);
  const replaced = new Set<string>();
  const counts: Record<string, number> = {};
  // Integer kernels end onnxruntime's Conv+BN fusion, so fold first (weight-only keeps float Convs,
  // which onnxruntime still fuses at load, and stays a pure weight rewrite).
  if (!keepsOpset(opts.mode)) foldBatchNorms(root, baseDir, namer, replaced);
  if (opts.mode === 'fp16') {
    const n = fp16Weights(root, baseDir, namer, new Set(opts.exclude ?? []));
    return { opsetBefore, opsetAfter: opset, quantized: n ? { weights: n } : {}, recipe: recipeOf(opts) };
  }
  rewriteGraph(root, new Map(), { namer, baseDir, opset, perChannel: opts.perChannel, replaced, ranges: opts.ranges }, rewritesFor(opts), new Set(opts.exclude ?? []), counts);
  pruneUnused(root, replaced);
  // DynamicQuantizeLSTM lives in onnxruntime's com.microsoft domain.
  if (((opts.mode !== 'weight-only' && counts.LSTM) || (opts.mode === 'q4' && Object.keys(counts).length)) && !model.opsetImport.some((o) => o.domain === MS_DOMAIN)) {
    model.opsetImport.push({ domain: MS_DOMAIN, version: 1 });
  }
  void allGraphs;
  return { opsetBefore, opsetAfter: opset, quantized: counts, recipe: recipeOf(opts) };
}
