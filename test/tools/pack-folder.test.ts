// `edgeserve pack <folder>` of a Hugging Face ONNX layout: onnx/model.onnx, model_fp16.onnx,
// model_quantized.onnx, model_q4.onnx, each with external data, become one model whose variants
// carry the precisions the file names say (HF files carry no edgeserve stamps: removed here).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { encodeGraph, floatInfo } from '../fixtures/onnx-graph.js';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { externalizeFile } from '../../tools/externalize.js';
import { main } from '../../tools/cli/cli.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { rng } from '../../tools/rng.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

function writeFp32(path: string): void {
  const next = rng(3);
  const w = Float32Array.from({ length: 64 * 32 }, () => next() - 0.5);
  writeFileSync(
    path,
    encodeGraph({
      name: 'g',
      input: [floatInfo('x', [4, 64])],
      output: [floatInfo('y', [4, 32])],
      initializer: [floatTensor('W', [64, 32], w)],
      node: [{ opType: 'MatMul', input: ['x', 'W'], output: ['y'], name: 'mm' }],
    }),
  );
}

function unstamp(path: string): void {
  const m = onnx.ModelProto.decode(readFileSync(path));
  m.metadataProps = [];
  writeFileSync(path, onnx.ModelProto.encode(m).finish());
}

const out = captureCliOutput();

describe('pack <Hugging Face folder>', () => {
  it('one model, a variant per file with the precision its name says, every external data file recorded', async () => {
    const root = mkdtempSync(join(tmpdir(), 'edgeserve-hf-'));
    const onnxDir = join(root, 'Tiny-MLP', 'onnx');
    mkdirSync(onnxDir, { recursive: true });
    const fp32 = join(onnxDir, 'model.onnx');
    writeFp32(fp32);
    await makeInt8Variant(fp32, join(onnxDir, 'model_fp16.onnx'), { mode: 'fp16', gate: false });
    await makeInt8Variant(fp32, join(onnxDir, 'model_quantized.onnx'), { mode: 'dynamic', gate: false });
    await makeInt8Variant(fp32, join(onnxDir, 'model_q4.onnx'), { mode: 'q4', gate: false });
    writeFileSync(join(onnxDir, 'model_q4f16.onnx'), readFileSync(join(onnxDir, 'model_q4.onnx')));
    for (const f of ['model.onnx', 'model_fp16.onnx', 'model_quantized.onnx', 'model_q4.onnx']) {
      unstamp(join(onnxDir, f));
      externalizeFile(join(onnxDir, f), { threshold: 256 });
    }
    const manifest = join(root, 'manifest.json');
    expect(await main(['pack', join(root, 'Tiny-MLP'), '--manifest', manifest])).toBe(0);
    const m = validateManifest(JSON.parse(readFileSync(manifest, 'utf8')));
    expect(m.models.map((e) => e.id)).toEqual(['tiny-mlp']);
    const [entry] = m.models;
    expect(entry!.inputs).toEqual([{ name: 'x', dtype: 'float32', dims: [4, 64] }]);
    expect(entry!.versions).toHaveLength(1);
    const variants = entry!.versions[0]!.variants;
    expect(variants.map((v) => [v.precision, v.files.map((f) => f.url)])).toEqual([
      ['fp32', ['Tiny-MLP/onnx/model.onnx', 'Tiny-MLP/onnx/model.onnx_data']],
      ['fp16', ['Tiny-MLP/onnx/model_fp16.onnx', 'Tiny-MLP/onnx/model_fp16.onnx_data']],
      ['int8', ['Tiny-MLP/onnx/model_quantized.onnx', 'Tiny-MLP/onnx/model_quantized.onnx_data']],
      ['q4', ['Tiny-MLP/onnx/model_q4.onnx', 'Tiny-MLP/onnx/model_q4.onnx_data']],
    ]);
    expect(out.join('')).toMatch(/skipped model_q4f16\.onnx: no manifest precision/);
  }, 60_000);

  it('model_quantized.onnx is uint8 when its weights are (transformers.js quantizes a model with Conv so), int8 otherwise', async () => {
    const root = mkdtempSync(join(tmpdir(), 'edgeserve-hf-'));
    const dir = join(root, 'conv-net');
    mkdirSync(dir);
    writeFp32(join(dir, 'model.onnx'));
    // As onnxruntime's dynamic quantizer writes it: x quantized at run time (uint8), W stored quantized.
    const { UINT8 } = onnx.TensorProto.DataType;
    const u8 = (name: string, dims: number[], values: Uint8Array) => ({ name, dims, dataType: UINT8, rawData: values });
    writeFileSync(
      join(dir, 'model_quantized.onnx'),
      encodeGraph({
        name: 'g',
        input: [floatInfo('x', [4, 64])],
        output: [floatInfo('y', [4, 32])],
        initializer: [u8('W_q', [64, 32], new Uint8Array(64 * 32).fill(130)), u8('W_zp', [], Uint8Array.of(128)), floatTensor('W_scale', [], Float32Array.of(0.01))],
        node: [
          { opType: 'DynamicQuantizeLinear', input: ['x'], output: ['x_q', 'x_scale', 'x_zp'] },
          { opType: 'MatMulInteger', input: ['x_q', 'W_q', 'x_zp', 'W_zp'], output: ['acc'] },
          { opType: 'Cast', input: ['acc'], output: ['acc_f'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
          { opType: 'Mul', input: ['x_scale', 'W_scale'], output: ['scale'] },
          { opType: 'Mul', input: ['acc_f', 'scale'], output: ['y'] },
        ],
      }),
    );
    const manifest = join(root, 'manifest.json');
    expect(await main(['pack', dir, '--manifest', manifest])).toBe(0);
    const m = validateManifest(JSON.parse(readFileSync(manifest, 'utf8')));
    expect(m.models[0]!.versions[0]!.variants.map((v) => [v.precision, v.files[0]!.url])).toEqual([
      ['fp32', 'conv-net/model.onnx'],
      ['uint8', 'conv-net/model_quantized.onnx'],
    ]);
  });

  it('a folder without hub files says what it takes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'edgeserve-hf-'));
    expect(await main(['pack', root, '--manifest', join(root, 'm.json')])).toBe(1);
    expect(out.join('')).toMatch(/no Hugging Face ONNX files \(model\.onnx, model_fp16\.onnx.*pack takes such a folder/);
  });
});
