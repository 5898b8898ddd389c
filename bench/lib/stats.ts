/** Latency summaries for the bench (nearest-rank statistics from src/stats.ts); used both in the page and in Node. */
import { quantileSorted, sortedCopy } from '../../src/stats.js';

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = sortedCopy(samples);
  return { n: sorted.length, median: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
}

/** Median of per-pair ratios a[i]/b[i]: pairs run back to back, so a drift in machine load cancels. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const ratios = a.slice(0, b.length).map((x, i) => x / b[i]!);
  return summarize(ratios).median;
}

/** Median of per-pair differences a[i]-b[i] (ms). */
export function pairedDelta(a: readonly number[], b: readonly number[]): number {
  return summarize(a.slice(0, b.length).map((x, i) => x - b[i]!)).median;
}
