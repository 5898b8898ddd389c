/**
 * Reading and making TensorProto values. Weights can live in raw_data (little-endian bytes), in
 * the typed repeated fields (float_data…), or in an external file next to the model; the
 * quantizer only needs float32 weights as a Float32Array, wherever they are.
 */
import { onnx } from './onnx-proto.js';
import { isExternal, readExternalBytes } from './external-data.js';
import { toNum } from './long-int.js';
import { ToolError } from '../tool-error.js';

export const DataType = onnx.TensorProto.DataType;

export { isExternal };

export function dimsOf(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map(toNum);
}

function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A float32 tensor's values (copied, so callers may keep or change them). */
export function readFloats(t: onnx.ITensorProto, baseDir: string): Float32Array {
  if (t.dataType !== DataType.FLOAT) throw new ToolError('UNSUPPORTED_MODEL', `tensor ${t.name} is not float32`);
  const n = sizeOf(dimsOf(t));
  const raw = isExternal(t) ? readExternalBytes(t, baseDir) : t.rawData && t.rawData.length > 0 ? t.rawData : null;
  if (raw) {
    if (raw.length !== n * 4) throw new ToolError('TRUNCATED', `tensor ${t.name}: ${raw.length} bytes for ${n} floats`);
    // Copy through a fresh buffer: raw_data is a view into the file at any byte offset, and a
    // Float32Array view needs 4-byte alignment (and little-endian, which ONNX mandates).
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  const fd = t.floatData ?? [];
  if (fd.length !== n) throw new ToolError('TRUNCATED', `tensor ${t.name}: ${fd.length} values for ${n}`);
  return Float32Array.from(fd);
}

export function floatTensor(name: string, dims: readonly number[], data: Float32Array): onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  });
}

export function int8Tensor(name: string, dims: readonly number[], data: Int8Array | Uint8Array): onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: data instanceof Int8Array ? DataType.INT8 : DataType.UINT8,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  });
}

export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): onnx.TensorProto {
  const bytes = new Uint8Array(data.length * 8);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: DataType.INT64, rawData: bytes });
}
