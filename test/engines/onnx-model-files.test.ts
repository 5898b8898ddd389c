// An ONNX variant of several files (graph + external data) through the real ONNX engine in Node
// (onnxruntime-web's WASM kernels): the data files are mounted under the names the graph gives,
// and the outputs equal the single-file model's bit for bit.
import { describe, expect, it } from 'vitest';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { rng } from '../../tools/rng.js';
import { createOnnxEngine, type OnnxEngineOptions } from '../../src/engines/onnx.js';
import { ortModelInput, relativeLocation, OWN_BYTES_LOCATION } from '../../src/engines/onnx-model-files.js';
import type { ModelFile } from '../../src/engines/engine.js';
import { ModelTooLargeError } from '../../src/errors.js';
import type { ModelSpec } from '../../src/manifest/schema.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

const seeded = (seed: number, n: number): Float32Array => {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
};
const W1 = seeded(1, 32 * 64);
const W2 = seeded(2, 64 * 8);
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function external(name: string, dims: number[], location: string, offset: number, length: number): onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

/** y = Relu(x · W1) · W2, x [1, 32] → y [1, 8]; the weights inline, or where `initializer` says. */
function graph(initializer: onnx.ITensorProto[]): Uint8Array {
  const vi = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'edgeserve-test',
      graph: {
        name: 'g',
        initializer,
        input: [vi('x', [1, 32])],
        output: [vi('y', [1, 8])],
        node: [
          { opType: 'MatMul', input: ['x', 'W1'], output: ['h'] },
          { opType: 'Relu', input: ['h'], output: ['r'] },
          { opType: 'MatMul', input: ['r', 'W2'], output: ['y'] },
        ],
      },
    }),
  ).finish();
}

const singleFile = () => graph([floatTensor('W1', [32, 64], W1), floatTensor('W2', [64, 8], W2)]);

/** Graph + two data files: W1 in model.onnx_data (after 16 bytes of padding), W2 in weights/w2.bin. */
function split(): { graph: Uint8Array; data: Uint8Array; w2: Uint8Array } {
  const data = new Uint8Array(16 + W1.byteLength);
  data.set(bytesOf(W1), 16);
  return {
    graph: graph([external('W1', [32, 64], 'model.onnx_data', 16, W1.byteLength), external('W2', [64, 8], 'weights/w2.bin', 0, W2.byteLength)]),
    data,
    w2: bytesOf(W2).slice(),
  };
}

const spec = { id: 'split', format: 'onnx' } as unknown as ModelSpec;
const x = { x: { dtype: 'float32' as const, dims: [1, 32], data: seeded(9, 32) } };

async function predict(files: ModelFile[], options: OnnxEngineOptions = {}): Promise<Float32Array> {
  const session = await createOnnxEngine(undefined, options).create(spec, files, 'wasm', { files: nodeEngineFiles(), wasmThreads: 1 });
  try {
    return (await session.run(x)).y!.data as Float32Array;
  } finally {
    await session.dispose();
  }
}

const base = 'https://cdn.example/models/split/1/';

describe('ONNX variants with external data', () => {
  it("names a data file by its path under the graph's folder, else by its file name", () => {
    expect(relativeLocation(`${base}model.onnx`, `${base}model.onnx_data`)).toBe('model.onnx_data');
    expect(relativeLocation(`${base}model.onnx`, `${base}weights/w2.bin?v=3`)).toBe('weights/w2.bin');
    expect(relativeLocation(`${base}model.onnx`, 'https://other.example/w%20x.bin')).toBe('w x.bin');
    expect(relativeLocation(`${base}model.onnx`, '')).toBeUndefined();
  });

  it('graph + data files (mounted by their URLs) predict exactly as the single-file model', async () => {
    const expected = await predict([{ url: `${base}model.onnx`, bytes: singleFile() }]);
    const { graph, data, w2 } = split();
    const actual = await predict([
      { url: `${base}model.onnx`, bytes: graph },
      { url: `${base}weights/w2.bin`, bytes: w2 },
      { url: `${base}model.onnx_data`, bytes: data },
    ]);
    expect(Buffer.from(actual.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('files without URLs (read back from the store) are named by the graph, in the order it mentions them', async () => {
    const expected = await predict([{ url: '', bytes: singleFile() }]);
    const { graph, data, w2 } = split();
    const actual = await predict([
      { url: '', bytes: graph },
      { url: '', bytes: data },
      { url: '', bytes: w2 },
    ]);
    expect(Buffer.from(actual.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('a single-file model from the split size on is handed over as a small graph plus its own bytes', () => {
    const model = singleFile();
    const input = ortModelInput([{ url: `${base}model.onnx`, bytes: model }], 1024);
    expect(input.rewritten).toEqual({ moved: 2, movedBytes: W1.byteLength + W2.byteLength });
    expect(input.externalData).toEqual([{ path: OWN_BYTES_LOCATION, data: model }]);
    expect(input.externalData[0]!.data).toBe(model); // mounted as it is: no copy
    expect(input.model.byteLength).toBeLessThan(1024);
    expect(input.largestTensor).toBe(W1.byteLength);
    const { graph: g, data, w2 } = split();
    expect(
      ortModelInput([
        { url: `${base}model.onnx`, bytes: g },
        { url: `${base}model.onnx_data`, bytes: data },
        { url: `${base}weights/w2.bin`, bytes: w2 },
      ]).largestTensor,
    ).toBe(W1.byteLength);
    expect(ortModelInput([{ url: `${base}model.onnx`, bytes: model }]).model).toBe(model); // small: untouched
  });

  it('prepackBelow: a model from that size opens without the packed copy of its weights (MLAS then sums in another order)', async () => {
    // A long dot product (K = 4096), where the order of the sums shows in the last bits.
    const K = 4096;
    const vi = (name: string, width: number) =>
      onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: width }] } } } });
    const bytes = onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
          name: 'long',
          initializer: [floatTensor('W', [K, 16], seeded(3, K * 16))],
          input: [vi('x', K)],
          output: [vi('y', 16)],
          node: [{ opType: 'MatMul', input: ['x', 'W'], output: ['y'] }],
        },
      }),
    ).finish();
    const run = async (options: OnnxEngineOptions) => {
      const session = await createOnnxEngine(undefined, options).create(spec, [{ url: `${base}long.onnx`, bytes }], 'wasm', { files: nodeEngineFiles(), wasmThreads: 1 });
      try {
        return (await session.run({ x: { dtype: 'float32', dims: [1, K], data: seeded(8, K) } })).y!.data as Float32Array;
      } finally {
        await session.dispose();
      }
    };
    const packed = await run({});
    expect(Buffer.from((await run({ prepackBelow: bytes.byteLength + 1 })).buffer).equals(Buffer.from(packed.buffer))).toBe(true);
    const unpacked = await run({ prepackBelow: bytes.byteLength });
    expect(Buffer.from(unpacked.buffer).equals(Buffer.from(packed.buffer))).toBe(false);
    unpacked.forEach((v, i) => expect(v).toBeCloseTo(packed[i]!, 3));
  });

  it("WebGPU: a weight as large as the GPU's largest buffer is refused as MODEL_TOO_LARGE before the session (ORT answered zeros)", async () => {
    const engine = createOnnxEngine(undefined, { splitFrom: 1024, gpuBufferLimit: async () => W1.byteLength });
    const opening = engine.create(spec, [{ url: `${base}model.onnx`, bytes: singleFile() }], 'webgpu', { files: nodeEngineFiles(), wasmThreads: 1 });
    await expect(opening).rejects.toBeInstanceOf(ModelTooLargeError);
    await expect(opening).rejects.toMatchObject({
      code: 'MODEL_TOO_LARGE',
      details: { reason: 'gpu-buffer', limit: W1.byteLength, try: expect.arrayContaining(['the WASM backend']) },
    });
  });
});
