/**
 * The LiteRT.js engine with the real runtime in Node (LiteRT.js's compat build; the glue loaded
 * as test/fixtures/litert-node.ts says) on real MediaPipe models: outputs equal LiteRT.js alone
 * on the same input, and a custom op LiteRT.js lacks is UNSUPPORTED naming the op, at load.
 */
import { describe, expect, it } from 'vitest';
import type { EngineContext } from '../../src/engines/engine.js';
import { createLitertEngine } from '../../src/engines/litert.js';
import { UnsupportedError } from '../../src/errors.js';
import type { ModelSpec } from '../../src/manifest/schema.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';
import { nodeLitertRuntime } from '../fixtures/litert-node.js';
import { blazefaceBytes, faceLandmarkAttentionBytes } from '../fixtures/tflite-models.js';

const runtime = nodeLitertRuntime();
const engine = createLitertEngine(runtime);
const context: EngineContext = { files: nodeEngineFiles(), wasmThreads: 1 };

const blazeface: ModelSpec = {
  id: 'blazeface',
  format: 'tflite',
  inputs: [{ name: 'input', dtype: 'float32', dims: [1, 128, 128, 3] }],
  outputs: [
    { name: 'classificators', dtype: 'float32', dims: [1, 896, 1] },
    { name: 'regressors', dtype: 'float32', dims: [1, 896, 16] },
  ],
} as ModelSpec;

const image = () => Float32Array.from({ length: 128 * 128 * 3 }, (_, i) => Math.sin(i * 0.37) * 0.9);
const file = (bytes: Uint8Array) => [{ url: 'model.tflite', bytes }];

describe('LiteRT.js engine', () => {
  it('runs BlazeFace on WASM, outputs by name, equal to LiteRT.js alone', async () => {
    const session = await engine.create(blazeface, file(blazefaceBytes()), 'wasm', context);
    const out = await session.run({ input: { dtype: 'float32', dims: [1, 128, 128, 3], data: image() } });
    expect(Object.keys(out).sort()).toEqual(['classificators', 'regressors']);
    expect(out.regressors!.dims).toEqual([1, 896, 16]);
    expect(out.classificators!.dims).toEqual([1, 896, 1]);

    const litert = await runtime.start(context);
    const alone = await litert.loadAndCompile(blazefaceBytes(), { accelerator: 'wasm' });
    const input = new litert.Tensor(image(), [1, 128, 128, 3]);
    const results = await alone.run(input);
    const byName = Object.fromEntries(alone.getOutputDetails().map((d, i) => [d.name, results[i]!.toTypedArray()]));
    expect([...(out.regressors!.data as Float32Array)]).toEqual([...byName.regressors!]);
    expect([...(out.classificators!.data as Float32Array)]).toEqual([...byName.classificators!]);
    // Not all zeros or NaN: the model really ran.
    expect((out.regressors!.data as Float32Array).some((v) => v !== 0 && Number.isFinite(v))).toBe(true);
    for (const t of [input, ...results]) t.delete();
    alone.delete();
    await session.dispose();
  });

  it('a custom op LiteRT.js lacks is UNSUPPORTED at load, naming the op', async () => {
    const spec = {
      id: 'face-landmark-attention',
      format: 'tflite',
      inputs: [{ name: 'input_1', dtype: 'float32', dims: [1, 192, 192, 3] }],
      outputs: [{ name: 'conv_faceflag', dtype: 'float32', dims: [1, 1, 1, 1] }],
    } as ModelSpec;
    const error = await engine.create(spec, file(faceLandmarkAttentionBytes()), 'wasm', context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as UnsupportedError).message).toContain('Landmarks2TransformMatrix');
    expect((error as UnsupportedError).details).toMatchObject({ id: 'face-landmark-attention', op: 'Landmarks2TransformMatrix' });
  });

  it('a manifest that names tensors the model lacks is UNSUPPORTED, naming the model’s own', async () => {
    const spec = { ...blazeface, inputs: [{ name: 'image', dtype: 'float32', dims: [1, 128, 128, 3] }] } as ModelSpec;
    await expect(engine.create(spec, file(blazefaceBytes()), 'wasm', context)).rejects.toThrow(/names input image, which the model lacks \(its inputs: input\)/);
  });

  it('a dtype LiteRT.js cannot pass is UNSUPPORTED before anything compiles', async () => {
    const spec = { ...blazeface, inputs: [{ name: 'input', dtype: 'int8', dims: [1, 128, 128, 3] }] } as ModelSpec;
    await expect(engine.create(spec, file(blazefaceBytes()), 'wasm', context)).rejects.toBeInstanceOf(UnsupportedError);
  });
});
