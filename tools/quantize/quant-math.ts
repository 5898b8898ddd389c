/**
 * Linear quantization arithmetic. Symmetric: S = max|x| / (2^(n-1) - 1), zero point 0 (int8
 * weights, range [-127, 127] so that -x is representable — MLAS's symmetric kernels rely on it).
 * Asymmetric: S = (max - min) / 255, zero point = round(-min / S), with the range widened to
 * contain 0 so that 0 (padding, ReLU output) is exact.
 */

export interface QuantParams {
  /** One scale per channel (or one for the tensor). */
  scales: Float32Array;
  /** Zero points in the quantized type's range, one per scale. */
  zeroPoints: Int32Array;
}

const INT8_MAX = 127;
const TINY = 1e-12;

/** Channel c of a tensor laid out as [outer..., dims[axis], inner...] sees these elements. */
function channelStride(dims: readonly number[], axis: number): { channels: number; inner: number } {
  const channels = dims[axis] ?? 1;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { channels, inner };
}

function channelOf(i: number, channels: number, inner: number): number {
  return Math.floor(i / inner) % channels;
}

/** Symmetric scales: per channel along `axis`, or one for the tensor when axis is null. */
export function symmetricScales(data: Float32Array, dims: readonly number[], axis: number | null): Float32Array {
  const { channels, inner } = axis === null ? { channels: 1, inner: data.length } : channelStride(dims, axis);
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < data.length; i++) {
    const c = axis === null ? 0 : channelOf(i, channels, inner);
    const a = Math.abs(data[i]!);
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  return maxAbs.map((m) => (m > TINY ? m / INT8_MAX : 1));
}

/**
 * Quantizes to int8 (offset 0) or to uint8 with a zero point of 128 (offset 128): the same
 * symmetric grid, shifted for kernels such as ConvInteger that only take uint8 weights.
 */
export function quantizeSymmetric(data: Float32Array, dims: readonly number[], axis: number | null, scales: Float32Array, offset: 0 | 128): Int8Array | Uint8Array {
  const out = offset === 0 ? new Int8Array(data.length) : new Uint8Array(data.length);
  const { channels, inner } = axis === null ? { channels: 1, inner: data.length } : channelStride(dims, axis);
  for (let i = 0; i < data.length; i++) {
    const c = axis === null ? 0 : channelOf(i, channels, inner);
    const q = Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(data[i]! / scales[c]!)));
    out[i] = q + offset;
  }
  return out;
}

/** uint8 asymmetric parameters for an activation range. */
export function asymmetricParams(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const scale = hi - lo > TINY ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}
