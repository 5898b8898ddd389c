/**
 * The scale bench's models: y = x · W, one fp32 MatMul, W square. Weights are small integers
 * from a seeded generator and x is -1/0/1, so every output is an integer of at most 2·K < 2^24:
 * exact in fp32 whatever order the kernel sums in. The expected output is then known exactly,
 * and a max |Δ| above 0 is a wrong answer, not rounding. Shared by Node and the page.
 */
import { rng } from '../../tools/rng.js';

export const MIB = 1024 * 1024;
/** Bumped when the generator changes, so cached models are made again. */
export const GENERATOR = 'scale-matmul-v2 (external data by edgeserve externalize)';
export const SEED = 20261204;

export interface ScaleModel {
  /** Manifest id, e.g. `scale-256mb`. */
  id: string;
  /** Nominal size in MiB (the weight's bytes). */
  mib: number;
  /** W is k × k; x is [1, k]. */
  k: number;
}

/** A size in MiB → the model (k² · 4 bytes = mib MiB, so mib must be 4^n). */
export function scaleModel(mib: number): ScaleModel {
  const k = Math.sqrt((mib * MIB) / 4);
  if (!Number.isInteger(k)) throw new Error(`--sizes: ${mib} MB is not a square fp32 matrix (k² · 4 bytes: e.g. 16, 64, 100, 256, 1024)`);
  return { id: `scale-${mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024}gb` : `${mib}mb`}`, mib, k };
}

/** The input: x[i] = (i mod 3) − 1. */
export function inputPattern(k: number): Float32Array {
  const x = new Float32Array(k);
  for (let i = 0; i < k; i++) x[i] = (i % 3) - 1;
  return x;
}

/** Weights row by row, `rows` at a time (values −2…2), for streaming writers. */
export function* weightRows(k: number, rows: number, seed = SEED): Generator<Float32Array> {
  const next = rng(seed);
  for (let r = 0; r < k; r += rows) {
    const n = Math.min(rows, k - r);
    const chunk = new Float32Array(n * k);
    for (let i = 0; i < chunk.length; i++) chunk[i] = Math.floor(next() * 5) - 2;
    yield chunk;
  }
}

/** Adds rows [row0, row0 + chunk/k) of x · W to `y`. */
export function accumulate(y: Float64Array, x: Float32Array, chunk: Float32Array, row0: number): void {
  const k = y.length;
  for (let r = 0; r * k < chunk.length; r++) {
    const xi = x[row0 + r]!;
    if (xi === 0) continue;
    const base = r * k;
    for (let j = 0; j < k; j++) y[j]! += xi * chunk[base + j]!;
  }
}

/** Largest |a[i] − b[i]| (Infinity when the lengths differ: a wrong shape is no answer). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > m) m = d;
  }
  return m;
}
