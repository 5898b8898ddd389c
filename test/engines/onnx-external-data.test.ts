// The single-file rewrite (src/engines/onnx-external-data.ts) against the real onnxruntime-web
// WASM kernels in Node: the small graph plus the original bytes mounted as its external data must
// give the very same outputs as the untouched model.
import { describe, expect, it } from 'vitest';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor, int64Tensor } from '../../tools/onnx/tensor-data.js';
import { rng } from '../../tools/rng.js';
import { createSession, ort } from '../../tools/ort-node.js';
import { externalizeInitializers } from '../../src/engines/onnx-external-data.js';
import { readFileSync } from 'node:fs';
import { MODEL_PATHS } from '../fixtures/model-paths.js';

const seeded = (seed: number, n: number): Float32Array => {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
};

/**
 * x [2, 64] → MatMul W1 [64, 256] (raw_data, 64 KB) → Add b1 (float_data: left inline) → Relu →
 * MatMul W2 [256, 32] (raw_data, 32 KB) → Add b2 (raw_data, 128 B: below the threshold) → Add of a
 * Constant node's tensor (128 B: left inline) → Reshape by an int64 initializer → y [64].
 */
function modelBytes(): Uint8Array {
  const vi = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const b1 = onnx.TensorProto.create({ name: 'b1', dims: [256], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [...seeded(2, 256)] });
  const constant = floatTensor('c', [32], seeded(5, 32));
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'edgeserve-test',
      graph: {
        name: 'two-layers',
        initializer: [
          floatTensor('W1', [64, 256], seeded(1, 64 * 256)),
          b1,
          floatTensor('W2', [256, 32], seeded(3, 256 * 32)),
          floatTensor('b2', [32], seeded(4, 32)),
          int64Tensor('shape', [1], [64]),
        ],
        input: [vi('x', [2, 64])],
        output: [vi('y', [64])],
        node: [
          { opType: 'MatMul', input: ['x', 'W1'], output: ['h0'] },
          { opType: 'Add', input: ['h0', 'b1'], output: ['h1'] },
          { opType: 'Relu', input: ['h1'], output: ['h2'] },
          { opType: 'MatMul', input: ['h2', 'W2'], output: ['h3'] },
          { opType: 'Add', input: ['h3', 'b2'], output: ['h4'] },
          { opType: 'Constant', output: ['c'], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: constant }] },
          { opType: 'Add', input: ['h4', 'c'], output: ['h5'] },
          { opType: 'Reshape', input: ['h5', 'shape'], output: ['y'] },
        ],
      },
    }),
  ).finish();
}

async function predict(bytes: Uint8Array, externalData?: { path: string; data: Uint8Array }[]): Promise<Float32Array> {
  const session = await createSession(bytes, externalData ? { externalData } : {});
  try {
    const x = new ort.Tensor('float32', seeded(9, 2 * 64), [2, 64]);
    const { y } = await session.run({ x });
    return y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('externalizeInitializers', () => {
  it('moves the large raw_data initializers, and the small graph + original bytes predict exactly as the model', async () => {
    const model = modelBytes();
    const rewritten = externalizeInitializers(model, 'model.onnx');
    expect(rewritten).toBeDefined();
    const { graph, moved, movedBytes } = rewritten!;
    expect(moved).toBe(2); // W1 and W2; b1 (float_data), b2 (128 B), shape and the Constant stay
    expect(movedBytes).toBe((64 * 256 + 256 * 32) * 4);
    // Only framing changed: the graph is the model less the moved weights, plus a few bytes a tensor.
    expect(graph.byteLength).toBeLessThan(model.byteLength - movedBytes + 200);

    const decoded = onnx.ModelProto.decode(graph);
    const byName = new Map((decoded.graph!.initializer ?? []).map((t) => [t.name, t as onnx.TensorProto]));
    expect(byName.get('W1')!.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    expect(byName.get('W1')!.rawData.length).toBe(0);
    expect(byName.get('b2')!.rawData.length).toBe(128);
    expect(byName.get('b1')!.floatData).toHaveLength(256);

    const expected = await predict(model);
    const actual = await predict(graph, [{ path: 'model.onnx', data: model }]);
    expect(Buffer.from(actual.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('offsets point at the weights in the original file', () => {
    const model = modelBytes();
    const { graph } = externalizeInitializers(model, 'm')!;
    const w2 = onnx.ModelProto.decode(graph).graph!.initializer!.find((t) => t.name === 'W2') as onnx.TensorProto;
    const kv = new Map(w2.externalData.map((e) => [e.key, e.value]));
    const offset = Number(kv.get('offset'));
    const length = Number(kv.get('length'));
    const weights = new Float32Array(Uint8Array.from(model.subarray(offset, offset + length)).buffer);
    expect(weights).toEqual(seeded(3, 256 * 32));
    expect(kv.get('location')).toBe('m');
  });

  // Paddle's exports keep every weight in a Constant node, not an initializer.
  for (const [id, width] of [
    ['ocr-cls', 192],
    ['ocr-rec', 320],
  ] as const) {
    it(`${id}: its Constant nodes' weights move too, and it predicts exactly as before`, async () => {
      const model = new Uint8Array(readFileSync(MODEL_PATHS[id]));
      const split = externalizeInitializers(model, 'model.onnx')!;
      expect(split.moved).toBeGreaterThan(40);
      expect(split.graph.byteLength).toBeLessThan(model.byteLength / 5);
      const x = new ort.Tensor('float32', seeded(11, 3 * 48 * width), [1, 3, 48, width]);
      const outputs = async (bytes: Uint8Array, externalData?: { path: string; data: Uint8Array }[]) => {
        const session = await createSession(bytes, externalData ? { externalData } : {});
        try {
          const result = await session.run({ x });
          return Buffer.from((result[session.outputNames[0]!]!.data as Float32Array).buffer);
        } finally {
          await session.release();
        }
      };
      expect((await outputs(split.graph, [{ path: 'model.onnx', data: model }])).equals(await outputs(model))).toBe(true);
    }, 60_000);
  }

  it('leaves a model with nothing to move, or bytes that are not ONNX, to the engine', () => {
    expect(externalizeInitializers(modelBytes(), 'm', 1 << 20)).toBeUndefined();
    expect(externalizeInitializers(new TextEncoder().encode('<!doctype html><title>404</title>'), 'm')).toBeUndefined();
    expect(externalizeInitializers(modelBytes().subarray(0, 5000), 'm')).toBeUndefined();
  });
});
