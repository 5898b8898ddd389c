/** Latency and agreement figures for the playground; pure functions. */

import { median, quantile } from '../../src/stats.js';

export { median };

/** The p-th percentile (0–100), nearest rank (src/stats.ts). */
export const percentile = (values: number[], p: number): number => quantile(values, p / 100);

/** Largest |a−b| over paired arrays; undefined when their shapes differ (nothing to pair). */
export function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number | undefined {
  if (a.length !== b.length || a.some((x, i) => x.length !== b[i]!.length)) return undefined;
  let max = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    for (let j = 0; j < x.length; j++) max = Math.max(max, Math.abs(x[j]! - y[j]!));
  });
  return max;
}

/** Mean |a−b| over all paired values; undefined when their shapes differ. A max alone is one value's story. */
export function meanAbsDiff(a: Float32Array[], b: Float32Array[]): number | undefined {
  if (a.length !== b.length || a.some((x, i) => x.length !== b[i]!.length)) return undefined;
  let sum = 0;
  let n = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    for (let j = 0; j < x.length; j++) sum += Math.abs(x[j]! - y[j]!);
    n += x.length;
  });
  return n === 0 ? 0 : sum / n;
}

/** Share of positions where both variants made the same top-1 decision. */
export function agreement<T>(a: T[], b: T[]): number | undefined {
  if (!a.length || a.length !== b.length) return a.length || b.length ? 0 : undefined;
  return a.filter((x, i) => x === b[i]).length / a.length;
}

/** Index of the largest value in each row of `cols` values. */
export function argmaxRows(data: Float32Array, cols: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r * cols < data.length; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[r * cols + c]! > data[r * cols + best]!) best = c;
    rows.push(best);
  }
  return rows;
}
