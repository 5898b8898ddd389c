/**
 * The page-side check of `predict`'s argument, before anything crosses to the worker. Without
 * it a caller's mistake surfaces as a raw TypeError (null), a DataCloneError (a buffer already
 * transferred by an earlier call) or a confusing engine error (a plain array): each is a
 * BAD_INPUT naming the input and what to pass instead.
 */
import { BadInputError } from '../errors.js';

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

function isDetached(view: ArrayBufferView, dims: unknown): boolean {
  // ArrayBuffer.prototype.detached (ES2024); where it is missing, a zero-length view over a
  // zero-length buffer of a tensor whose dims say it has elements is one.
  const detached = (view.buffer as { detached?: boolean }).detached;
  if (detached !== undefined) return detached;
  const elements = Array.isArray(dims) ? dims.reduce((n: number, d) => n * (typeof d === 'number' ? d : 1), 1) : 1;
  return view.byteLength === 0 && view.buffer.byteLength === 0 && elements > 0;
}

export function checkArguments(inputs: unknown, modelId: string): BadInputError | undefined {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    return new BadInputError(`predict on "${modelId}" takes an object of named tensors ({ name: { dtype, dims, data } }), not ${describe(inputs)}`, { model: modelId });
  }
  for (const [name, tensor] of Object.entries(inputs)) {
    const bad = (why: string) => new BadInputError(`input "${name}" of "${modelId}": ${why}`, { model: modelId, input: name });
    if (typeof tensor !== 'object' || tensor === null) return bad(`expected a tensor { dtype, dims, data }, got ${describe(tensor)}`);
    const { data, dims } = tensor as { data?: unknown; dims?: unknown };
    if (Array.isArray(data)) return bad('data is a plain Array; pass a typed array (e.g. new Float32Array(values), or tensor(dtype, values, dims))');
    if (!ArrayBuffer.isView(data) || data instanceof DataView) return bad(`data must be a typed array, got ${describe(data)}`);
    if (isDetached(data, dims)) {
      return bad('its buffer was already transferred (detached): predict transfers input buffers to the worker, so pass a fresh array (e.g. data.slice()) on each call');
    }
    if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) return bad('dims must be an array of non-negative integers');
  }
  return undefined;
}
