/**
 * Order statistics, the one definition used by the metrics, the backend resolver, the
 * playground, the bench and the test fixtures. Nearest rank, no interpolation: every figure
 * reported is a real sample (p95 of 10 runs is the slowest run; the median of an even count is
 * the lower middle one).
 */

/** The q-quantile (0 ≤ q ≤ 1) of already sorted values; NaN when there are none. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const sortedCopy = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

export const quantile = (values: readonly number[], q: number): number => quantileSorted(sortedCopy(values), q);

export const median = (values: readonly number[]): number => quantile(values, 0.5);
