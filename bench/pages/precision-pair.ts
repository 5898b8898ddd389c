/** int8 vs fp32 of one model through edgeserve in one runtime, calls alternating. */
import type { CellSpec } from '../lib/cell.js';
import { alternate } from './side.js';
import { startEdgeserve } from './side-edgeserve.js';

export interface PrecisionPair {
  fp32: number[];
  int8: number[];
  bytes: { fp32: number; int8: number };
}

export async function precisionPair(spec: CellSpec, storeName: string): Promise<PrecisionPair> {
  const fp32 = (await startEdgeserve({ ...spec, precision: 'fp32' }, { storeName })).side;
  const int8 = (await startEdgeserve({ ...spec, precision: 'int8' }, { storeName })).side;
  try {
    const { a, b } = await alternate(fp32, int8, spec.warmup, spec.iterations);
    return { fp32: a, int8: b, bytes: { fp32: fp32.info.bytes, int8: int8.info.bytes } };
  } finally {
    await fp32.dispose();
    await int8.dispose();
  }
}
