/** A small constructor for tensors, checking that data and dims agree before anything is sent. */
import { BadInputError } from './errors.js';
import type { TensorDtype } from './manifest/schema.js';
import type { Tensor, TensorData } from './protocol.js';

/** Each dtype's typed array, the one table of them (float16 travels as its raw Uint16 bits; bool as bytes). */
export const arrayTypeOf: Record<TensorDtype, new (n: number) => TensorData> = {
  float32: Float32Array,
  float16: Uint16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  bool: Uint8Array,
};

/** `n` values of `dtype`, each `fill` (float16: zeros; its bits are not a number's). */
export function filled(dtype: TensorDtype, n: number, fill = 0): TensorData {
  const data = new arrayTypeOf[dtype](n);
  if (fill === 0 || dtype === 'float16') return data;
  if (data instanceof BigInt64Array) return data.fill(BigInt(Math.trunc(fill)));
  return (data as Exclude<TensorData, BigInt64Array>).fill(dtype === 'bool' ? (fill ? 1 : 0) : fill);
}

export function tensor(dtype: TensorDtype, data: TensorData, dims: number[]): Tensor {
  const elements = dims.reduce((n, d) => n * d, 1);
  if (data.length !== elements) throw new BadInputError(`tensor data has ${data.length} values but dims [${dims.join(', ')}] need ${elements}`);
  return { dtype, data, dims: [...dims] };
}
