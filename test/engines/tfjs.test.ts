/**
 * The TF.js engine on its real WASM backend (tfjs-backend-wasm in Node), with tiny graph models
 * (test/fixtures/tiny-tfjs-graph.ts): dtypes kept in and out, outputs named by the model's own
 * names, every tensor disposed when a run throws.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { createTfjsEngine } from '../../src/engines/tfjs.js';
import type { TensorDtype } from '../../src/manifest/schema.js';
import type { TensorMap } from '../../src/protocol.js';
import { nodeTfjsContext as nodeTfjsContextFor } from '../fixtures/node-tfjs-context.js';
import { tinyGraph, type TinyInput, type TinyOutput } from '../fixtures/tiny-tfjs-graph.js';

const nodeTfjsContext = nodeTfjsContextFor();

const given: TensorMap = {
  a: { dtype: 'int32', dims: [3], data: new Int32Array([1, -2, 2_000_000_000]) },
  b: { dtype: 'bool', dims: [3], data: new Uint8Array([1, 0, 1]) },
  u: { dtype: 'uint8', dims: [3], data: new Uint8Array([0, 200, 255]) },
  x: { dtype: 'float32', dims: [3], data: new Float32Array([0.5, -1.25, 3]) },
};
const pick = (names: TinyInput[], overrides: TensorMap = {}): TensorMap => Object.fromEntries(names.map((n) => [n, overrides[n] ?? given[n]!]));

let engine: Engine;
beforeAll(() => {
  engine = createTfjsEngine();
});

async function runOnce(inputs: TinyInput[], outputs: TinyOutput[], feeds = pick(inputs), declared: Partial<Record<TinyOutput, TensorDtype>> = {}): Promise<TensorMap> {
  const { spec, files } = tinyGraph(inputs, outputs, { ...Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, t.dtype])), ...declared });
  const session = await engine.create(spec, files, 'wasm', nodeTfjsContext);
  try {
    return await session.run(feeds);
  } finally {
    await session.dispose();
  }
}

describe('tfjs engine on wasm', () => {
  it('labels an int32 output int32', async () => {
    const out = await runOnce(['a'], ['plus_k']);
    expect(tf.getBackend()).toBe('wasm');
    expect(out.plus_k).toEqual({ dtype: 'int32', dims: [3], data: new Int32Array([11, 8, 2_000_000_010]) });
  });

  it('keeps a bool input and output bool', async () => {
    expect((await runOnce(['b'], ['not_b'])).not_b).toEqual({ dtype: 'bool', dims: [3], data: new Uint8Array([0, 1, 0]) });
  });

  it('takes a uint8 input as int32, losslessly', async () => {
    // 255 + 1 is 256: widened to int32, nothing wrapped or rounded.
    expect((await runOnce(['u'], ['u_plus_1'])).u_plus_1).toEqual({ dtype: 'int32', dims: [3], data: new Int32Array([1, 201, 256]) });
  });

  it('decodes float16 inputs to float32 (tfjs has no float16)', async () => {
    // 0x3800 = 0.5, 0xbd00 = -1.25, 0x4200 = 3, as IEEE halves.
    const out = await runOnce(['x'], ['twice_x'], { x: { dtype: 'float16', dims: [3], data: new Uint16Array([0x3800, 0xbd00, 0x4200]) } });
    expect(out.twice_x).toEqual({ dtype: 'float32', dims: [3], data: new Float32Array([1, -2.5, 6]) });
  });

  it('answers each output under the model’s own name, whatever order the manifest lists them in', async () => {
    // The signature lists plus_k before twice_x; the manifest asks for twice_x first.
    const out = await runOnce(['a', 'x'], ['twice_x', 'plus_k']);
    expect(out.twice_x).toEqual({ dtype: 'float32', dims: [3], data: new Float32Array([1, -2.5, 6]) });
    expect(out.plus_k!.data).toEqual(new Int32Array([11, 8, 2_000_000_010]));
  });

  it('keeps every dtype at once, inputs given in another order than the signature’s', async () => {
    const out = await runOnce(['x', 'u', 'a', 'b'], ['plus_k', 'not_b', 'u_plus_1', 'twice_x']);
    expect(Object.fromEntries(Object.entries(out).map(([n, t]) => [n, t.dtype]))).toEqual({ plus_k: 'int32', not_b: 'bool', u_plus_1: 'int32', twice_x: 'float32' });
  });

  it('runs a graph with a dynamic op (Where) through executeAsync', async () => {
    const out = await runOnce(['b'], ['where_b', 'not_b']);
    expect(out.where_b).toEqual({ dtype: 'int32', dims: [2, 1], data: new Int32Array([0, 2]) });
    expect(out.not_b!.data).toEqual(new Uint8Array([0, 1, 0]));
  });

  it('answers in the integer dtype the manifest declares where tfjs computed it in int32', async () => {
    const out = await runOnce(['b'], ['where_b'], pick(['b']), { where_b: 'int64' });
    expect(out.where_b).toEqual({ dtype: 'int64', dims: [2, 1], data: new BigInt64Array([0n, 2n]) });
    const u: TensorMap = { u: { dtype: 'uint8', dims: [3], data: new Uint8Array([0, 200, 254]) } };
    expect((await runOnce(['u'], ['u_plus_1'], u, { u_plus_1: 'uint8' })).u_plus_1).toEqual({ dtype: 'uint8', dims: [3], data: new Uint8Array([1, 201, 255]) });
    // 255 + 1 does not fit a uint8: said, not wrapped nor mislabelled.
    await expect(runOnce(['u'], ['u_plus_1'], pick(['u']), { u_plus_1: 'uint8' })).rejects.toMatchObject({ code: 'INFERENCE_FAILED', message: expect.stringContaining('256') });
  });

  it('refuses a manifest output the model does not have, naming the model’s own', async () => {
    const { spec, files } = tinyGraph(['a', 'x'], ['plus_k', 'twice_x']);
    spec.outputs[1] = { name: 'output_0', dtype: 'float32', dims: ['n'] };
    await expect(engine.create(spec, files, 'wasm', nodeTfjsContext)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('twice_x') });
  });

  it('disposes every tensor it made when a run throws', async () => {
    const { spec, files } = tinyGraph(['a'], ['plus_k']);
    const session = await engine.create(spec, files, 'wasm', nodeTfjsContext);
    await session.run(pick(['a']));
    const before = tf.memory().numTensors;
    // A rank-2 `a` where the graph takes a vector: tfjs throws after the feed was made.
    await expect(session.run({ a: { dtype: 'int32', dims: [3, 1], data: new Int32Array([1, 2, 3]) } })).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    await session.run(pick(['a']));
    expect(tf.memory().numTensors).toBe(before);
    await session.dispose();
  });
});
