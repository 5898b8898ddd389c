// What quantize tells the user and leaves behind: a variant written past a failed gate
// (--ignore-gate) carries the gate's measurement into the file, and `pack` records it in the
// manifest; a refusal never suggests the mode that just failed; float16 weights are named as
// the reason nothing was quantized (not "already as small as int8 makes it").
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { encodeGraph, floatInfo } from '../fixtures/onnx-graph.js';
import { main } from '../../tools/cli/cli.js';
import { packModel } from '../../tools/pack.js';
import { AGREEMENT_KEY } from '../../tools/make-int8-variant.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { rng } from '../../tools/rng.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

/**
 * y = (x ⊙ mask) · W, where mask zeroes x's first column and W's first row is 1000: the row
 * changes nothing in fp32, but it sets every column's int8 scale, so all the weights that matter
 * round to 0 and the int8 output is all zeros. A gate failure by construction, in every mode.
 */
function gateBreaker(dir: string): string {
  const next = rng(11);
  const w = Float32Array.from({ length: 64 * 32 }, (_, i) => (i < 32 ? 1000 : (next() - 0.5) * 0.1));
  const mask = Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? 0 : 1));
  const path = join(dir, 'breaker.onnx');
  writeFileSync(
    path,
    encodeGraph({
      name: 'g',
      input: [floatInfo('x', [4, 64])],
      output: [floatInfo('y', [4, 32])],
      initializer: [floatTensor('mask', [64], mask), floatTensor('W', [64, 32], w)],
      node: [
        { opType: 'Mul', input: ['x', 'mask'], output: ['xm'], name: 'mask' },
        { opType: 'MatMul', input: ['xm', 'W'], output: ['y'], name: 'mm' },
      ],
    }),
  );
  return path;
}

/** y = x · Cast(W16): its weights are float16, as in an fp16 export. */
function fp16Model(dir: string): string {
  const w16 = new Uint8Array(64 * 32 * 2); // float16 zeros are as good as any: nothing reads them
  const path = join(dir, 'half.onnx');
  writeFileSync(
    path,
    encodeGraph({
      name: 'g',
      input: [floatInfo('x', [4, 64])],
      output: [floatInfo('y', [4, 32])],
      initializer: [onnx.TensorProto.create({ name: 'W16', dims: [64, 32], dataType: onnx.TensorProto.DataType.FLOAT16, rawData: w16 })],
      node: [
        { opType: 'Cast', input: ['W16'], output: ['W'], name: 'cast', attribute: [{ name: 'to', i: 1, type: onnx.AttributeProto.AttributeType.INT }] },
        { opType: 'MatMul', input: ['x', 'W'], output: ['y'], name: 'mm' },
      ],
    }),
  );
  return path;
}

const out = captureCliOutput();

describe('quantize: the gate leaves a trace, refusals say what would work', () => {
  it('weight-only refused by the gate does not suggest --mode weight-only; dynamic does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-trace-'));
    const model = gateBreaker(dir);
    expect(await main(['quantize', model, '-o', join(dir, 'wo.onnx'), '--mode', 'weight-only'])).toBe(1);
    const weightOnly = out.join('');
    expect(weightOnly).toMatch(/error: .*disagrees with fp32/);
    expect(weightOnly).not.toMatch(/--mode weight-only/);
    out.length = 0;
    expect(await main(['quantize', model, '-o', join(dir, 'dyn.onnx')])).toBe(1);
    expect(out.join('')).toMatch(/disagrees with fp32[\s\S]*--mode weight-only/);
    expect(existsSync(join(dir, 'wo.onnx')) || existsSync(join(dir, 'dyn.onnx'))).toBe(false);
  }, 60_000);

  it('--ignore-gate: the failed measurement is stamped in the file and pack records it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-trace-'));
    const int8 = join(dir, 'breaker.int8.onnx');
    expect(await main(['quantize', gateBreaker(dir), '-o', int8, '--ignore-gate'])).toBe(0);
    const stamped = onnx.ModelProto.decode(readFileSync(int8)).metadataProps.find((p) => p.key === AGREEMENT_KEY);
    expect(JSON.parse(stamped!.value!).passed).toBe(false);
    const manifest = join(dir, 'manifest.json');
    packModel(join(dir, 'breaker.onnx'), { manifest, id: 'b' });
    const { variant } = packModel(int8, { manifest, id: 'b' });
    expect(variant.agreement).toMatchObject({ passed: false, inputs: 'generated', samples: 8 });
    const m = validateManifest(JSON.parse(readFileSync(manifest, 'utf8')));
    expect(m.models[0]!.versions[0]!.variants.map((v) => [v.precision, v.agreement?.passed])).toEqual([
      ['fp32', undefined],
      ['int8', false],
    ]);
  }, 60_000);

  it('float16 weights: says so instead of "already as small as int8 makes it"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-trace-'));
    expect(await main(['quantize', fp16Model(dir), '-o', join(dir, 'h.int8.onnx'), '--mode', 'weight-only'])).toBe(1);
    const text = out.join('');
    expect(text).toMatch(/nothing to quantize in weight-only mode.*its weights are float16 \(1 tensors\)/);
    expect(text).not.toMatch(/already as small/);
  });
});
