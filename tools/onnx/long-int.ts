/** int64 fields decode as Long (protobufjs uses the long package when present); ONNX never needs more than 2^53 for them. */
import type Long from 'long';

export type Int64 = number | Long;

export function toNum(v: Int64 | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
