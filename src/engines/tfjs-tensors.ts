/**
 * edgeserve tensors ↔ TensorFlow.js tensors, keeping each dtype. tfjs has float32, int32 and bool
 * only (plus complex64 and string, which no model input or output here uses), so the dtypes it
 * lacks are mapped explicitly, each as said below, never silently to float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BadInputError, InferenceFailedError, UnsupportedError } from '../errors.js';
import type { TensorDtype } from '../manifest/schema.js';
import type { Tensor } from '../protocol.js';

/** IEEE 754 half (raw bits) → the float32 of the same value: exact, every half is a float32. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

function int64ToInt32(name: string, data: BigInt64Array): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (value < INT32_MIN || value > INT32_MAX) {
      throw new BadInputError(`input "${name}" holds ${value} at index ${i}; TensorFlow.js has no int64 and takes int64 inputs as int32, which cannot hold it`, {
        input: name,
        index: i,
      });
    }
    out[i] = Number(value);
  }
  return out;
}

/** A new tfjs tensor for one input (the caller disposes it). */
export function toTfjsTensor(name: string, input: Tensor): tf.Tensor {
  const { dims, data } = input;
  switch (input.dtype) {
    case 'float32':
      return tf.tensor(data as Float32Array, dims, 'float32');
    case 'int32':
      return tf.tensor(data as Int32Array, dims, 'int32');
    case 'bool':
      return tf.tensor(data as Uint8Array, dims, 'bool');
    // tfjs has no uint8 or int8: widened to int32, which holds every value exactly. This is what
    // tfjs's own converter does with a graph's DT_UINT8 inputs (they are int32 placeholders).
    case 'uint8':
    case 'int8':
      return tf.tensor(Int32Array.from(data as Uint8Array | Int8Array), dims, 'int32');
    // tfjs has no float16: a real conversion, each half decoded to float32 (the values are the
    // same, and the model computes in float32 — twice the bytes of what the caller sent).
    case 'float16':
      return tf.tensor(Float32Array.from(data as Uint16Array, halfToFloat), dims, 'float32');
    // tfjs has no int64: narrowed to int32 when every value fits, refused by name otherwise.
    case 'int64':
      return tf.tensor(int64ToInt32(name, data as BigInt64Array), dims, 'int32');
  }
}

const NARROW = { uint8: [Uint8Array, 0, 255], int8: [Int8Array, -128, 127] } as const;

/**
 * One output read back under the dtype tfjs computed it in (float32, int32 or bool), or, where the
 * manifest declares an integer dtype tfjs lacks, in that dtype: int64 from int32 always (exact);
 * uint8/int8 from int32 when every value fits, refused otherwise (tfjs computes them in int32,
 * so a uint8 sum past 255 does not wrap as it would in TensorFlow).
 */
export async function fromTfjsTensor(name: string, tensor: tf.Tensor, declared?: TensorDtype): Promise<Tensor> {
  const dims = [...tensor.shape];
  switch (tensor.dtype) {
    case 'float32':
      return { dtype: 'float32', dims, data: (await tensor.data<'float32'>()) as Float32Array };
    case 'int32': {
      const data = (await tensor.data<'int32'>()) as Int32Array;
      if (declared === 'int64') return { dtype: 'int64', dims, data: BigInt64Array.from(data, (v) => BigInt(v)) };
      if (declared === 'uint8' || declared === 'int8') {
        const [Narrow, min, max] = NARROW[declared];
        const at = data.findIndex((v) => v < min || v > max);
        if (at >= 0) {
          throw new InferenceFailedError(`output "${name}" is declared ${declared} but TensorFlow.js computed ${data[at]} at index ${at} (it computes ${declared} in int32)`, {
            output: name,
            index: at,
          });
        }
        return { dtype: declared, dims, data: Narrow.from(data) };
      }
      return { dtype: 'int32', dims, data };
    }
    case 'bool':
      // tfjs reads bool back as a Uint8Array of 0/1, which is edgeserve's bool.
      return { dtype: 'bool', dims, data: (await tensor.data<'bool'>()) as Uint8Array };
    default:
      throw new UnsupportedError(`output "${name}" is a TensorFlow.js ${tensor.dtype} tensor, which edgeserve cannot return`, { output: name, dtype: tensor.dtype });
  }
}
