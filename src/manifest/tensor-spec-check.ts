/**
 * What makes a tensor spec sound — a string name, a known dtype, dims that are non-negative
 * safe integers or symbolic names — checked alike where a manifest is read and where a stored
 * record's spec is read back.
 */
import { TENSOR_DTYPES, type TensorSpec } from './schema.js';

export interface SpecProblem {
  /** Where, from the list's own path: `inputs[2].dtype`. */
  at: string;
  message: string;
}

const isDim = (d: unknown) => typeof d === 'string' || (Number.isSafeInteger(d) && (d as number) >= 0);

export function tensorSpecsProblem(specs: unknown, path: string): SpecProblem | undefined {
  if (!Array.isArray(specs)) return { at: path, message: 'must be an array' };
  for (const [i, spec] of specs.entries()) {
    const at = `${path}[${i}]`;
    if (typeof spec !== 'object' || spec === null || typeof (spec as { name?: unknown }).name !== 'string') return { at, message: 'needs a string name' };
    const { dtype, dims } = spec as Record<string, unknown>;
    if (!TENSOR_DTYPES.includes(dtype as TensorSpec['dtype'])) return { at: `${at}.dtype`, message: `unknown dtype ${String(dtype)}` };
    if (!Array.isArray(dims) || !dims.every(isDim)) return { at: `${at}.dims`, message: 'must be non-negative integers or symbolic names' };
  }
  return undefined;
}
