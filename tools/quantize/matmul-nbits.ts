/**
 * 4-bit weight-only MatMul as onnxruntime's MatMul4BitsQuantizer writes it: a com.microsoft
 * MatMulNBits node (K, N, bits=4, block_size) whose B is the weight transposed to [N, K] and cut
 * into blocks of `block_size` along K, each block with its own scale (and, asymmetric, its own
 * zero point). Layout (onnxruntime's matmul_nbits_helper CheckInputs):
 *   B           uint8 [N, n_blocks, block_size / 2]: value 2i in the low nibble, 2i+1 in the high;
 *   scales      float [N * n_blocks];
 *   zero_points uint8 [N * ceil(n_blocks / 2)]: block 2j in the low nibble, 2j+1 in the high
 *               (absent when symmetric: the kernel's default zero point is 8).
 * A K that is not a multiple of block_size pads the last block with zeros. Quantization follows
 * MLAS's MlasQuantizeBlockwise: asymmetric over [min(0, lo), max(0, hi)] / 15 with a rounded
 * zero point; symmetric with the block's largest-magnitude value mapped to -8.
 */
import { attrInt, makeNode } from '../onnx/graph-walk.js';
import { floatTensor, int8Tensor } from '../onnx/tensor-data.js';
import { constWeight } from './rewrite-context.js';
import type { Rewrite, Weight } from './rewrite-context.js';

export const MS_DOMAIN = 'com.microsoft';

export interface Q4Options {
  blockSize: number;
  symmetric: boolean;
}

export interface Q4Blocks {
  /** [N, n_blocks, blockSize / 2] */
  packed: Uint8Array;
  /** [N * n_blocks] */
  scales: Float32Array;
  /** [N * ceil(n_blocks / 2)], or null when symmetric. */
  zeroPoints: Uint8Array | null;
  blocks: number;
}

export function isValidBlockSize(b: number): boolean {
  return Number.isInteger(b) && b >= 16 && (b & (b - 1)) === 0;
}

/** Quantizes a row-major [K, N] weight (MatMul's B) column by column. */
export function quantizeQ4(w: Float32Array, k: number, n: number, opts: Q4Options): Q4Blocks {
  const bs = opts.blockSize;
  const blocks = Math.ceil(k / bs);
  const packed = new Uint8Array(n * blocks * (bs / 2));
  const scales = new Float32Array(n * blocks);
  const zpRow = Math.ceil(blocks / 2);
  const zeroPoints = opts.symmetric ? null : new Uint8Array(n * zpRow);
  const q = new Uint8Array(bs);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      const from = b * bs;
      const to = Math.min(k, from + bs);
      let scale: number;
      let zp: number;
      if (opts.symmetric) {
        let big = 0;
        for (let r = from; r < to; r++) {
          const v = w[r * n + col]!;
          if (Math.abs(v) > Math.abs(big)) big = v;
        }
        scale = big / -8;
        zp = 8;
      } else {
        let lo = 0;
        let hi = 0;
        for (let r = from; r < to; r++) {
          const v = w[r * n + col]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        scale = (hi - lo) / 15;
        zp = scale === 0 ? 8 : Math.min(15, Math.max(0, Math.round(-lo / scale)));
      }
      scale = Math.fround(scale);
      const inv = scale === 0 ? 0 : 1 / scale;
      q.fill(zp);
      for (let r = from; r < to; r++) q[r - from] = Math.min(15, Math.max(0, Math.round(w[r * n + col]! * inv) + zp));
      const blob = (col * blocks + b) * (bs / 2);
      for (let i = 0; i < bs / 2; i++) packed[blob + i] = q[2 * i]! | (q[2 * i + 1]! << 4);
      scales[col * blocks + b] = scale;
      if (zeroPoints) zeroPoints[col * zpRow + (b >> 1)]! |= zp << ((b & 1) * 4);
    }
  }
  return { packed, scales, zeroPoints, blocks };
}

/** What MatMulNBits computes from the packed form: the [K, N] weight it stands for. */
export function dequantizeQ4(qb: Q4Blocks, k: number, n: number, blockSize: number): Float32Array {
  const out = new Float32Array(k * n);
  const zpRow = Math.ceil(qb.blocks / 2);
  for (let col = 0; col < n; col++) {
    for (let r = 0; r < k; r++) {
      const b = Math.floor(r / blockSize);
      const i = r % blockSize;
      const byte = qb.packed[(col * qb.blocks + b) * (blockSize / 2) + (i >> 1)]!;
      const v = (i & 1 ? byte >> 4 : byte) & 15;
      const zp = qb.zeroPoints ? (qb.zeroPoints[col * zpRow + (b >> 1)]! >> ((b & 1) * 4)) & 15 : 8;
      out[r * n + col] = (v - zp) * qb.scales[col * qb.blocks + b]!;
    }
  }
  return out;
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

function intAttr(node: Parameters<Rewrite>[0], name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? Number(a.i ?? fallback) : fallback;
}

function floatAttr(node: Parameters<Rewrite>[0], name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.f ?? fallback;
}

export function matMulNBits(opts: Q4Options): Rewrite {
  return (node, ctx) => {
    const isGemm = node.opType === 'Gemm';
    // Gemm only in its plain-MatMul-plus-bias form (alpha 1, A not transposed); others stay float.
    if (isGemm && (intAttr(node, 'transA', 0) !== 0 || floatAttr(node, 'alpha', 1) !== 1)) return null;
    const w: Weight | null = constWeight(node, 1, ctx);
    if (!w || w.dims.length !== 2) return null;
    const transB = isGemm && intAttr(node, 'transB', 0) === 1;
    // A weight read by several nodes (tied layers) is packed once.
    const key = `${w.name}${transB ? '\u0000T' : ''}`;
    let packed = ctx.made.q4Weights.get(key);
    if (!packed) {
      const [k, n] = transB ? [w.dims[1]!, w.dims[0]!] : [w.dims[0]!, w.dims[1]!];
      const data = transB ? transpose(w.data, w.dims[0]!, w.dims[1]!) : w.data;
      const qb = quantizeQ4(data, k, n, opts);
      const names = [ctx.namer.fresh(`${w.name}_Q4`), ctx.namer.fresh(`${w.name}_scales`)];
      ctx.newInits.push(int8Tensor(names[0]!, [n, qb.blocks, opts.blockSize / 2], qb.packed), floatTensor(names[1]!, [n * qb.blocks], qb.scales));
      if (qb.zeroPoints) {
        names.push(ctx.namer.fresh(`${w.name}_zero_points`));
        ctx.newInits.push(int8Tensor(names[2]!, [qb.zeroPoints.length], qb.zeroPoints));
      }
      packed = { names, k, n };
      ctx.made.q4Weights.set(key, packed);
    }
    ctx.replaced.add(w.name);
    const { names, k, n } = packed;
    const base = w.name;
    const attrs = [attrInt('K', k), attrInt('N', n), attrInt('bits', 4), attrInt('block_size', opts.blockSize)];
    const bias = isGemm ? node.input?.[2] : undefined;
    const y = node.output![0]!;
    const nodeName = ctx.namer.fresh(`${node.name || base}_Q4`);
    if (!bias) return [makeNode('MatMulNBits', [node.input![0]!, ...names], [y], nodeName, attrs, MS_DOMAIN)];
    // Gemm's C (times beta): an Add after, which broadcasts as Gemm's C does over [M, N].
    const beta = floatAttr(node, 'beta', 1);
    const mm = ctx.namer.fresh(`${y}_matmul`);
    const out = [makeNode('MatMulNBits', [node.input![0]!, ...names], [mm], nodeName, attrs, MS_DOMAIN)];
    let c = bias;
    if (beta !== 1) {
      const betaName = ctx.namer.fresh(`${nodeName}_beta`);
      const scaled = ctx.namer.fresh(`${nodeName}_beta_c`);
      ctx.newInits.push(floatTensor(betaName, [], Float32Array.of(beta)));
      out.push(makeNode('Mul', [bias, betaName], [scaled], ctx.namer.fresh(`${nodeName}_beta_mul`)));
      c = scaled;
    }
    out.push(makeNode('Add', [mm, c], [y], ctx.namer.fresh(`${nodeName}_bias`)));
    return out;
  };
}
