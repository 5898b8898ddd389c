/**
 * Real TF.js graph models (tensorflowjs_converter output shipped in @vladmandic/human's tarball,
 * MIT) through the engine on the WASM backend, against TensorFlow.js alone on the same inputs:
 *   blazeface — four outputs that the signature lists in an order of its own;
 *   handtrack — a uint8 image input and control flow (only executeAsync runs it);
 *   movenet-lightning — an int32 image input.
 * The manifest lists outputs in another order than the model: each must come back under its name.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/engines/engine.js';
import { createTfjsEngine } from '../../src/engines/tfjs.js';
import type { ModelSpec, TensorDtype } from '../../src/manifest/schema.js';
import type { Tensor } from '../../src/protocol.js';
import { nodeTfjsContext } from '../fixtures/node-tfjs-context.js';

const modelsDir = fileURLToPath(new URL('../../node_modules/@vladmandic/human/models/', import.meta.url));

interface ModelJson {
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  [field: string]: unknown;
}

function filesOf(name: string): ModelFile[] {
  const json = readFileSync(`${modelsDir}${name}.json`);
  const model = JSON.parse(json.toString()) as ModelJson;
  return [{ url: `${name}.json`, bytes: json }, ...model.weightsManifest.flatMap((g) => g.paths).map((p) => ({ url: p, bytes: readFileSync(`${modelsDir}${p}`) }))];
}

/** TensorFlow.js alone: the model loaded as its own http loader would hand it over, run by output name. */
async function bareTfjs(name: string, input: tf.Tensor, outputs: string[]): Promise<Record<string, Float32Array>> {
  const [json, ...weights] = filesOf(name);
  const model = JSON.parse(Buffer.from(json!.bytes).toString()) as ModelJson;
  const weightData = Buffer.concat(weights.map((w) => w.bytes));
  const graph = await loadGraphModel(
    tf.io.fromMemory({
      ...model,
      weightSpecs: model.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  );
  const results = [await graph.executeAsync(input, outputs)].flat();
  const out: Record<string, Float32Array> = {};
  for (const [i, o] of outputs.entries()) out[o] = (await results[i]!.data()) as Float32Array;
  tf.dispose(results);
  graph.dispose();
  return out;
}

/** Deterministic pixels in 0..255. */
function pixels(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function compare(name: string, input: { name: string; dtype: TensorDtype; dims: number[]; data: Tensor['data'] }, outputs: { name: string; dims: number[] }[]) {
  const spec: ModelSpec = {
    id: name,
    format: 'tfjs',
    inputs: [{ name: input.name, dtype: input.dtype, dims: input.dims }],
    outputs: outputs.map((o) => ({ name: o.name, dtype: 'float32', dims: o.dims })),
  };
  const engine = createTfjsEngine();
  const session = await engine.create(spec, filesOf(name), 'wasm', nodeTfjsContext());
  const out = await session.run({ [input.name]: { dtype: input.dtype, dims: input.dims, data: input.data } });
  await session.dispose();
  const tfInput = tf.tensor(
    input.dtype === 'float32' ? (input.data as Float32Array) : Int32Array.from(input.data as Uint8Array | Int32Array),
    input.dims,
    input.dtype === 'float32' ? 'float32' : 'int32',
  );
  const bare = await bareTfjs(
    name,
    tfInput,
    outputs.map((o) => o.name),
  );
  tfInput.dispose();
  for (const o of outputs) {
    expect(out[o.name], o.name).toMatchObject({ dtype: 'float32', dims: o.dims });
    expect(maxAbsDiff(out[o.name]!.data as Float32Array, bare[o.name]!), o.name).toBe(0);
  }
  return out;
}

describe('real TF.js graph models against TensorFlow.js alone (wasm)', () => {
  it('blazeface: each of four outputs under its own name, listed in another order than the signature', async () => {
    const data = Float32Array.from(pixels(256 * 256 * 3), (p) => p / 127.5 - 1);
    // The signature lists Identity_3, Identity, Identity_1, Identity_2.
    await compare('blazeface', { name: 'input:0', dtype: 'float32', dims: [1, 256, 256, 3], data }, [
      { name: 'Identity:0', dims: [1, 512, 1] },
      { name: 'Identity_1:0', dims: [1, 384, 1] },
      { name: 'Identity_2:0', dims: [1, 512, 16] },
      { name: 'Identity_3:0', dims: [1, 384, 16] },
    ]);
  });

  it('handtrack: a uint8 image and control flow (executeAsync)', async () => {
    await compare('handtrack', { name: 'input_tensor:0', dtype: 'uint8', dims: [1, 320, 320, 3], data: pixels(320 * 320 * 3) }, [
      { name: 'Identity_5:0', dims: [1] },
      { name: 'Identity_1:0', dims: [1, 100, 4] },
      { name: 'Identity_4:0', dims: [1, 100] },
    ]);
  });

  it('movenet-lightning: an int32 image', async () => {
    const data = Int32Array.from(pixels(192 * 192 * 3));
    await compare('movenet-lightning', { name: 'input:0', dtype: 'int32', dims: [1, 192, 192, 3], data }, [{ name: 'Identity:0', dims: [1, 1, 17, 3] }]);
  });
});
