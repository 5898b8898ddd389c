/**
 * Inputs are checked against the manifest before they reach an engine: a wrong name, dtype,
 * rank or size rejects that call with BAD_INPUT and a message naming the input, instead of an
 * engine abort that can leave a WASM session in a bad state.
 */
import { BadInputError } from '../errors.js';
import type { TensorDtype, TensorSpec } from '../manifest/schema.js';
import type { TensorData, TensorMap } from '../protocol.js';
import { arrayTypeOf } from '../tensor.js';

const fmt = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;

export function checkInputs(specs: TensorSpec[], inputs: TensorMap): void {
  if (typeof inputs !== 'object' || inputs === null) throw new BadInputError('inputs must be an object of named tensors');
  const expected = specs.map((s) => s.name).join(', ');
  for (const name of Object.keys(inputs)) {
    if (!specs.some((s) => s.name === name)) throw new BadInputError(`unknown input "${name}"; this model takes: ${expected}`, { input: name });
  }
  // Symbolic dims bind to one size across all inputs ("batch" in input and state must agree).
  const bound = new Map<string, { size: number; input: string }>();
  for (const spec of specs) {
    const tensor = inputs[spec.name];
    const at = { input: spec.name };
    if (!tensor) throw new BadInputError(`missing input "${spec.name}"; this model takes: ${expected}`, at);
    if (tensor.dtype !== spec.dtype) throw new BadInputError(`input "${spec.name}" must be ${spec.dtype}, got ${tensor.dtype}`, at);
    const ArrayType = arrayTypeOf[spec.dtype];
    if (!(tensor.data instanceof ArrayType)) {
      throw new BadInputError(`input "${spec.name}" (${spec.dtype}) needs its data in a ${ArrayType.name}`, at);
    }
    if (!Array.isArray(tensor.dims) || tensor.dims.length !== spec.dims.length) {
      throw new BadInputError(`input "${spec.name}" must have rank ${spec.dims.length} ${fmt(spec.dims)}, got dims ${fmt(tensor.dims ?? [])}`, at);
    }
    tensor.dims.forEach((size, axis) => {
      const want = spec.dims[axis]!;
      if (!Number.isInteger(size) || size < 1) {
        throw new BadInputError(`input "${spec.name}" axis ${axis} must be a positive integer, got ${size}`, at);
      }
      if (typeof want === 'number' && size !== want) {
        throw new BadInputError(`input "${spec.name}" must be ${fmt(spec.dims)}; axis ${axis} is ${size}, not ${want}`, at);
      }
      if (typeof want === 'string') {
        const seen = bound.get(want);
        if (seen && seen.size !== size) {
          throw new BadInputError(`"${want}" is ${seen.size} in input "${seen.input}" but ${size} in input "${spec.name}"`, at);
        }
        bound.set(want, { size, input: spec.name });
      }
    });
    const elements = tensor.dims.reduce((n, d) => n * d, 1);
    if (tensor.data.length !== elements) {
      throw new BadInputError(`input "${spec.name}" has ${tensor.data.length} values but dims ${fmt(tensor.dims)} need ${elements}`, at);
    }
  }
}
