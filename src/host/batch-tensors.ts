/**
 * Merging calls into one batch and splitting the result back. Axis 0 is the outermost axis of a
 * row-major tensor, so concatenating along it is concatenating the data arrays, and each
 * caller's rows of an output are one contiguous slice.
 */
import type { ModelSpec } from '../manifest/schema.js';
import type { TensorData, TensorMap } from '../protocol.js';

/** A model batches when every input and output has the same symbolic dim first (e.g. "batch"). */
export function canBatch(model: ModelSpec): boolean {
  const first = model.inputs[0]?.dims[0];
  if (typeof first !== 'string') return false;
  return [...model.inputs, ...model.outputs].every((spec) => spec.dims[0] === first);
}

/** Calls merge only when all their inputs agree on dtype and on every dim but the first. */
export function batchKey(inputs: TensorMap): string {
  return Object.keys(inputs)
    .sort()
    .map((name) => `${name}:${inputs[name]!.dtype}:${inputs[name]!.dims.slice(1).join('x')}`)
    .join('|');
}

export function batchRows(inputs: TensorMap): number {
  return Object.values(inputs)[0]?.dims[0] ?? 1;
}

type ArrayCtor = { new (length: number): TensorData };

export function concatBatch(calls: TensorMap[]): TensorMap {
  const first = calls[0]!;
  const merged: TensorMap = {};
  for (const name of Object.keys(first)) {
    const parts = calls.map((c) => c[name]!);
    const length = parts.reduce((n, p) => n + p.data.length, 0);
    const data = new (parts[0]!.data.constructor as ArrayCtor)(length);
    let offset = 0;
    for (const part of parts) {
      (data as Float32Array).set(part.data as Float32Array, offset);
      offset += part.data.length;
    }
    merged[name] = { dtype: parts[0]!.dtype, dims: [parts.reduce((n, p) => n + p.dims[0]!, 0), ...parts[0]!.dims.slice(1)], data };
  }
  return merged;
}

/** Each caller gets its own copy of its rows, in its own ArrayBuffer, ready to transfer. */
export function splitBatch(outputs: TensorMap, rows: number[]): TensorMap[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const results: TensorMap[] = rows.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== total) throw new Error(`output "${name}" has ${tensor.dims[0]} rows for a batch of ${total}`);
    const perRow = tensor.data.length / total;
    let row = 0;
    rows.forEach((count, i) => {
      const data = tensor.data.slice(row * perRow, (row + count) * perRow) as TensorData;
      results[i]![name] = { dtype: tensor.dtype, dims: [count, ...tensor.dims.slice(1)], data };
      row += count;
    });
  }
  return results;
}
