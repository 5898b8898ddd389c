// quantize --mode fp16: float32 weights stored as float16 with a Cast back to float32 after each,
// inputs/outputs untouched; run in onnxruntime-web WASM against the fp32 model and the gate.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { encodeGraph, floatInfo } from '../fixtures/onnx-graph.js';
import { halfBitsToFloat, toHalfBits } from '../../tools/quantize/float16.js';
import { makeInt8Variant, AGREEMENT_KEY } from '../../tools/make-int8-variant.js';
import { main } from '../../tools/cli/cli.js';
import { packModel } from '../../tools/pack.js';
import { createSession, ort } from '../../tools/ort-node.js';
import { rng } from '../../tools/rng.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

const F = onnx.TensorProto.DataType;

/** y = Relu(x · W + b) · V, with V a Constant node (paddle2onnx style) and b too small to convert. */
function mlp(dir: string, scale = 1): { path: string; w: Float32Array; v: Float32Array } {
  const next = rng(5);
  const w = Float32Array.from({ length: 64 * 48 }, () => (next() - 0.5) * scale);
  const v = Float32Array.from({ length: 48 * 16 }, () => (next() - 0.5) * scale);
  const b = Float32Array.from({ length: 48 }, () => next() - 0.5);
  const path = join(dir, 'mlp.onnx');
  writeFileSync(
    path,
    encodeGraph({
      name: 'g',
      input: [floatInfo('x', [4, 64])],
      output: [floatInfo('y', [4, 16])],
      initializer: [floatTensor('W', [64, 48], w), floatTensor('b', [48], b)],
      node: [
        { opType: 'Constant', output: ['V'], name: 'v_const', attribute: [{ name: 'value', t: floatTensor('', [48, 16], v), type: onnx.AttributeProto.AttributeType.TENSOR }] },
        { opType: 'MatMul', input: ['x', 'W'], output: ['xw'], name: 'mm1' },
        { opType: 'Add', input: ['xw', 'b'], output: ['h'], name: 'add' },
        { opType: 'Relu', input: ['h'], output: ['r'], name: 'relu' },
        { opType: 'MatMul', input: ['r', 'V'], output: ['y'], name: 'mm2' },
      ],
    }),
  );
  return { path, w, v };
}

async function run(bytes: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const s = await createSession(bytes);
  try {
    const r = await s.run({ x: new ort.Tensor('float32', x, [4, 64]) });
    return r.y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

describe('float16 conversion', () => {
  it('rounds to nearest even, keeps subnormals, clamps beyond ±65504', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(0.1)).toBe(0x2e66);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // a tie: to even (down)
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // a tie: to even (up)
    expect(toHalfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie: up
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(toHalfBits(3 * 2 ** -25)).toBe(0x0002); // subnormal tie, to even
    expect(toHalfBits(2 ** -26)).toBe(0x0000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7bff);
    expect(toHalfBits(-1e6)).toBe(0xfbff);
    expect(halfBitsToFloat(toHalfBits(0.333251953125))).toBe(0.333251953125);
  });
});

describe('quantize --mode fp16', () => {
  const out = captureCliOutput();

  it('halves the weights, keeps float32 I/O, and equals the fp32 graph run on the float16-rounded weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-fp16-'));
    const { path } = mlp(dir);
    const o = join(dir, 'mlp.fp16.onnx');
    const made = await makeInt8Variant(path, o, { mode: 'fp16' });
    expect(made).toMatchObject({ precision: 'fp16', quantized: { weights: 2 }, recipe: 'quantize --mode fp16' });
    expect(made.agreement?.passed).toBe(true);
    const m = onnx.ModelProto.decode(readFileSync(o));
    const g = m.graph!;
    expect(g.input!.map((v) => v.type!.tensorType!.elemType)).toEqual([F.FLOAT]);
    expect(g.output!.map((v) => v.type!.tensorType!.elemType)).toEqual([F.FLOAT]);
    expect(g.initializer!.map((t) => [t.name, t.dataType])).toEqual([
      ['W_fp16', F.FLOAT16],
      ['b', F.FLOAT],
    ]);
    const constant = g.node!.find((n) => n.opType === 'Constant')!;
    expect(constant.attribute![0]!.t!.dataType).toBe(F.FLOAT16);
    expect(g.node!.filter((n) => n.opType === 'Cast').map((n) => n.output![0])).toEqual(['W', 'V']);
    expect(statSync(o).size / statSync(path).size).toBeLessThan(0.55);

    // Reference: the fp32 model whose weights went through float16 and back.
    const next = rng(9);
    const x = Float32Array.from({ length: 4 * 64 }, next);
    const rounded = onnx.ModelProto.decode(readFileSync(path));
    const roundTrip = (t: onnx.ITensorProto): void => {
      const f = new Float32Array(new Uint8Array(t.rawData!).slice().buffer);
      t.rawData = new Uint8Array(Float32Array.from(f, (v) => halfBitsToFloat(toHalfBits(v))).buffer);
    };
    roundTrip(rounded.graph!.initializer![0]!);
    roundTrip(rounded.graph!.node![0]!.attribute![0]!.t!);
    const [half, ref, fp32] = [await run(readFileSync(o), x), await run(onnx.ModelProto.encode(rounded).finish(), x), await run(readFileSync(path), x)];
    for (let i = 0; i < half.length; i++) expect(half[i]).toBeCloseTo(ref[i]!, 5);
    expect(half).not.toEqual(fp32); // the weights did change
  }, 60_000);

  it('refused by the gate (weights beyond float16 range) without suggesting fp16; --ignore-gate leaves passed: false in the manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-fp16-'));
    const { path } = mlp(dir, 3e5); // |w| up to 1.5e5: clamped to 65504
    expect(await main(['quantize', path, '-o', join(dir, 'a.onnx'), '--mode', 'fp16'])).toBe(1);
    const text = out.join('');
    expect(text).toMatch(/the fp16 variant disagrees with fp32 .*no file written\. Try --exclude/);
    expect(text).not.toMatch(/--mode fp16/);
    const o = join(dir, 'mlp.fp16.onnx');
    expect(await main(['quantize', path, '-o', o, '--mode', 'fp16', '--ignore-gate'])).toBe(0);
    const stamped = onnx.ModelProto.decode(readFileSync(o)).metadataProps.find((p) => p.key === AGREEMENT_KEY);
    expect(JSON.parse(stamped!.value!).passed).toBe(false);
    const manifest = join(dir, 'manifest.json');
    packModel(path, { manifest, id: 'mlp' });
    const { variant } = packModel(o, { manifest, id: 'mlp' });
    expect(variant).toMatchObject({ precision: 'fp16', recipe: 'quantize --mode fp16', agreement: { passed: false } });
  }, 60_000);
});
