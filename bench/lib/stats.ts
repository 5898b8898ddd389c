/** Order statistics for latency samples; used both in the page and in Node. */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** Nearest-rank quantile: no interpolation, so every reported figure is a real sample. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
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
