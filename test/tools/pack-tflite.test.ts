/**
 * `edgeserve pack model.tflite` on real MediaPipe models: the inputs and outputs recorded are the
 * ones LiteRT.js reports for the same file (read here from the runtime itself, in Node), the
 * variant is fp32 with its float16 storage in the recipe (so a plain load(id) finds it), and a
 * custom op LiteRT.js lacks is named in a warning.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packModel } from '../../tools/pack.js';
import { readTfliteModel } from '../../tools/pack/tflite-model.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { EngineContext } from '../../src/engines/engine.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';
import { nodeLitertRuntime } from '../fixtures/litert-node.js';
import { BLAZEFACE_PATH, blazefaceBytes, faceLandmarkAttentionBytes } from '../fixtures/tflite-models.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pack-tflite-'));
const context: EngineContext = { files: nodeEngineFiles(), wasmThreads: 1 };

describe('edgeserve pack model.tflite', () => {
  it('records what LiteRT.js reports: names, dtypes, shapes, in its order', async () => {
    const dir = tmp();
    const manifest = join(dir, 'manifest.json');
    const { entry, variant, warnings } = packModel(BLAZEFACE_PATH, { manifest, id: 'blazeface' });
    expect(entry.format).toBe('tflite');
    expect(variant.precision).toBe('fp32');
    expect(variant.recipe).toBe('weights stored as float16, dequantized at load');
    expect(variant.files).toHaveLength(1);
    expect(variant.files[0]).toMatchObject({ url: 'blazeface/1.0.0/face_detection_short_range.tflite', bytes: blazefaceBytes().byteLength });
    expect(warnings).toEqual([]);

    const litert = await nodeLitertRuntime().start(context);
    const compiled = await litert.loadAndCompile(blazefaceBytes(), { accelerator: 'wasm' });
    const reported = (details: readonly { name: string; dtype: string; shape: Int32Array }[]) => details.map((d) => ({ name: d.name, dtype: d.dtype, dims: [...d.shape] }));
    expect(entry.inputs).toEqual(reported(compiled.getInputDetails()));
    expect(entry.outputs).toEqual(reported(compiled.getOutputDetails()));
    compiled.delete();

    const written = JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
    expect(written.models[0]!.versions[0]!.variants[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the custom ops LiteRT.js lacks in a warning', () => {
    const dir = tmp();
    const path = join(dir, 'face_landmark_with_attention.tflite');
    writeFileSync(path, faceLandmarkAttentionBytes());
    const { entry, warnings } = packModel(path, { manifest: join(dir, 'manifest.json') });
    expect(entry.id).toBe('face_landmark_with_attention');
    expect(entry.outputs.map((o) => o.name)).toContain('output_mesh_identity');
    expect(warnings).toEqual([expect.stringMatching(/custom ops Landmarks2TransformMatrix, TransformTensorBilinear, TransformLandmarks: LiteRT\.js does not have it/)]);
  });

  it('a file cut short says so', () => {
    const bytes = blazefaceBytes().subarray(0, 4096);
    expect(() => readTfliteModel(bytes, 'cut.tflite')).toThrow(/cut\.tflite says it is a TFLite model \(TFL3\) but its flatbuffer cannot be read/);
  });
});
