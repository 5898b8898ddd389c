/** A small constructor for tensors, checking that data and dims agree before anything is sent. */
import { BadInputError } from './errors.js';
import type { TensorDtype } from './manifest/schema.js';
import type { Tensor, TensorData } from './protocol.js';

export function tensor(dtype: TensorDtype, data: TensorData, dims: number[]): Tensor {
  const elements = dims.reduce((n, d) => n * d, 1);
  if (data.length !== elements) throw new BadInputError(`tensor data has ${data.length} values but dims [${dims.join(', ')}] need ${elements}`);
  return { dtype, data, dims: [...dims] };
}
