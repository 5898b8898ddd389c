/**
 * Several precisions of one model through edgeserve, each in its own runtime, called in turn
 * (ABCD DCBA …) so machine load hits them alike: what `npm run bench:precisions` times in the page.
 */
import type { Precision } from '../../src/index.js';
import type { CellSpec } from '../lib/cell.js';
import { alternateAll } from './side.js';
import { startEdgeserve, type EdgeserveSide } from './side-edgeserve.js';

export interface PrecisionSet {
  /** Call times (ms) per precision, index i of each taken in the same round. */
  times: Record<string, number[]>;
  bytes: Record<string, number>;
  /** What each ran on, with the fallback reason when it is not what was asked. */
  ran: Record<string, string>;
}

export async function precisionSet(spec: CellSpec, precisions: Precision[], storeName: string): Promise<PrecisionSet> {
  const sides: EdgeserveSide[] = [];
  try {
    // CellSpec's precision names the cells of the main matrix; this step takes any the manifest has.
    for (const precision of precisions) sides.push((await startEdgeserve({ ...spec, precision } as unknown as CellSpec, { storeName })).side);
    const times = await alternateAll(sides, spec.warmup, spec.iterations);
    const entries = <T>(f: (side: EdgeserveSide, i: number) => T) => Object.fromEntries(precisions.map((p, i) => [p, f(sides[i]!, i)]));
    return {
      times: entries((_, i) => times[i]!),
      bytes: entries((s) => s.info.bytes),
      ran: entries((s) => `${s.info.backend} ×${s.info.threads}${s.info.fallback ? ` (fallback: ${s.info.fallback})` : ''}`),
    };
  } finally {
    for (const side of sides) await side.dispose();
  }
}
