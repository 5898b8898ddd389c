// The scale bench's streamed ONNX writer (bench/scale/onnx-stream.ts) against the real
// onnxruntime-web WASM kernels in Node: the single file (hand-written length prefixes, weights
// streamed after them) gives exactly the expected x · W.
import { describe, expect, it } from 'vitest';
import { accumulate, inputPattern, maxAbsDiff, scaleModel, weightRows } from '../../bench/scale/model-spec.js';
import { concat, singleFileHead, varint } from '../../bench/scale/onnx-stream.js';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { createSession, ort } from '../../tools/ort-node.js';

const K = 48;

function made(rows: number) {
  const chunks = [...weightRows(K, rows)];
  const x = inputPattern(K);
  const y = new Float64Array(K);
  chunks.forEach((c, i) => accumulate(y, x, c, i * rows));
  const weights = concat(chunks.map((c) => new Uint8Array(c.buffer)));
  return { weights, expected: Array.from(y) };
}

async function predict(bytes: Uint8Array, externalData?: { path: string; data: Uint8Array }[]): Promise<number[]> {
  const session = await createSession(bytes, externalData ? { externalData } : {});
  try {
    const { y } = await session.run({ x: new ort.Tensor('float32', inputPattern(K), [1, K]) });
    return Array.from(y!.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('scale bench models', () => {
  it('writes varints as protobuf does', () => {
    expect([...varint(1)]).toEqual([1]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
    expect([...varint(2 ** 30)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x04]);
  });

  it('streams a single-file model that decodes to W and runs to the exact expected output', async () => {
    const { weights, expected } = made(5);
    const file = concat([singleFileHead(K), weights]);
    const model = onnx.ModelProto.decode(file);
    const w = model.graph?.initializer?.[0];
    expect((w?.dims ?? []).map(Number)).toEqual([K, K]);
    expect(new Uint8Array(w?.rawData ?? [])).toEqual(weights);
    expect(model.graph?.node?.[0]?.opType).toBe('MatMul');
    const y = await predict(file);
    expect(expected.some((v) => v !== 0)).toBe(true);
    expect(maxAbsDiff(y, expected)).toBe(0);
  });

  it('chunks the weights the same whatever the rows per chunk', () => {
    expect(made(1).weights).toEqual(made(7).weights);
  });

  it('names sizes and refuses a size that is no square matrix', () => {
    expect(scaleModel(64)).toEqual({ id: 'scale-64mb', mib: 64, k: 4096 });
    expect(scaleModel(1024)).toEqual({ id: 'scale-1gb', mib: 1024, k: 16384 });
    expect(() => scaleModel(96)).toThrow(/not a square/);
  });

  it('counts a NaN or a wrong length as the largest difference', () => {
    expect(maxAbsDiff([1, 2], [1, 2.5])).toBe(0.5);
    expect(maxAbsDiff([Number.NaN, 2], [1, 2])).toBeNaN();
    expect(maxAbsDiff([1], [1, 2])).toBe(Number.POSITIVE_INFINITY);
  });
});
