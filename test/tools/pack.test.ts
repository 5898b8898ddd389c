// `edgeserve pack`: both variants of a model land in one VersionEntry, with bytes, SHA-256,
// inputs/outputs and opset, and the result passes the runtime's own manifest validation.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packModel } from '../../tools/pack.js';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { MODEL_PATHS } from '../fixtures/model-paths.js';
import { encodeGraph, floatInfo } from '../fixtures/onnx-graph.js';
import { checkInputs } from '../../src/host/input-check.js';

describe('edgeserve pack', () => {
  it('writes fp32 and int8 variants of one version, valid for the runtime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-pack-'));
    const fp32 = join(dir, 'cls.onnx');
    copyFileSync(MODEL_PATHS['ocr-cls'], fp32);
    await makeInt8Variant(fp32, join(dir, 'cls.int8.onnx'));
    const manifest = join(dir, 'manifest.json');
    packModel(fp32, { manifest, id: 'ocr-cls' });
    packModel(join(dir, 'cls.int8.onnx'), { manifest, id: 'ocr-cls' });
    packModel(join(dir, 'cls.int8.onnx'), { manifest, id: 'ocr-cls' }); // idempotent
    const m = validateManifest(JSON.parse(readFileSync(manifest, 'utf8')));
    const entry = m.models[0]!;
    expect(entry.inputs).toEqual([{ name: 'x', dtype: 'float32', dims: [expect.any(String), 3, expect.any(String), expect.any(String)] }]);
    expect(entry.outputs[0]!.name).toBe('softmax_0.tmp_0');
    const variants = entry.versions[0]!.variants;
    expect(variants.map((v) => v.precision)).toEqual(['fp32', 'int8']);
    const int8 = variants[1]!;
    const bytes = readFileSync(join(dir, 'cls.int8.onnx'));
    expect(int8.files[0]).toEqual({ url: 'cls.int8.onnx', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(int8.opset).toBe(13);
    expect(variants[0]!.opset).toBe(9);
    expect(int8.recipe).toBe('quantize --mode dynamic --per-channel');
  }, 30_000);

  it('refuses a manifest that is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-pack-'));
    const bad = join(dir, 'manifest.json');
    copyFileSync(MODEL_PATHS['ocr-cls'], bad);
    expect(() => packModel(MODEL_PATHS['ocr-cls'], { manifest: bad })).toThrow(/not a manifest/);
  });

  it('copies a model from outside the manifest\'s folder into it instead of writing "../model.onnx"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-pack-'));
    const manifest = join(dir, 'public', 'models', 'manifest.json');
    const result = packModel(MODEL_PATHS['ocr-cls'], { manifest, id: 'cls' });
    const url = result.variant.files[0]!.url;
    expect(url).toBe(`cls/1.0.0/${basename(MODEL_PATHS['ocr-cls'])}`);
    expect(result.copiedTo).toEqual([join(dir, 'public', 'models', url)]);
    expect(readFileSync(result.copiedTo![0]!)).toEqual(readFileSync(MODEL_PATHS['ocr-cls']));
    expect(JSON.parse(readFileSync(manifest, 'utf8')).models[0].versions[0].variants[0].files[0].url).toBe(url);
  });

  it('writes a dim stored as -1, or as 4294967295 (-1 read back as uint32), as symbolic, each its own name: the runtime would refuse -1, demand 4294967295, or bind one shared name to one size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-pack-'));
    const model = join(dir, 'relu.onnx');
    writeFileSync(
      model,
      encodeGraph({
        name: 'g',
        input: [floatInfo('x', [-1, 4294967295, 3])],
        output: [floatInfo('y', [-1, 4294967295, 3])],
        node: [{ opType: 'Relu', input: ['x'], output: ['y'] }],
      }),
    );
    const { entry } = packModel(model, { manifest: join(dir, 'manifest.json') });
    expect(entry.inputs[0]!.dims).toEqual(['unk__0', 'unk__1', 3]);
    expect(entry.outputs[0]!.dims).toEqual(['unk__2', 'unk__3', 3]);
    expect(() => validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')))).not.toThrow();
    // The runtime's input check takes any size for each, independently.
    expect(() => checkInputs(entry.inputs, { x: { dtype: 'float32', dims: [2, 5, 3], data: new Float32Array(30) } })).not.toThrow();
  });
});
