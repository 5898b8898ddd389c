/** Latency and agreement figures for the playground; pure functions. */

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p95 of 10 runs is the slowest run, not an interpolation below it.
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const median = (values: number[]) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

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
