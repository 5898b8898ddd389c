// quantize --mode q4: MatMulNBits with onnxruntime's packing, checked where it matters — the
// onnxruntime-web WASM kernel must compute x · (the weight our packing stands for), and that
// weight must be close to fp32 — plus the gate's refusal and trace, and pack's q4 precision.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { encodeGraph, floatInfo } from '../fixtures/onnx-graph.js';
import { dequantizeQ4, quantizeQ4 } from '../../tools/quantize/matmul-nbits.js';
import { makeInt8Variant, AGREEMENT_KEY } from '../../tools/make-int8-variant.js';
import { main } from '../../tools/cli/cli.js';
import { packModel } from '../../tools/pack.js';
import { createSession, ort } from '../../tools/ort-node.js';
import { rng } from '../../tools/rng.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

const attr = (name: string, v: number): onnx.IAttributeProto =>
  Number.isInteger(v) && name !== 'beta' ? { name, i: v, type: onnx.AttributeProto.AttributeType.INT } : { name, f: v, type: onnx.AttributeProto.AttributeType.FLOAT };

const K = 80; // 3 blocks of 32 (the last padded): an odd count, so zero points fill half a byte
const N = 24;

function weights(seed: number, length: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length }, () => (next() - 0.3) * 0.2);
}

/** y = x · W (MatMul), or Gemm(x, Wᵀ, c; transB, beta). */
function model(dir: string, w: Float32Array, gemm = false): string {
  const path = join(dir, gemm ? 'gemm.onnx' : 'mm.onnx');
  const node: onnx.INodeProto = gemm
    ? { opType: 'Gemm', input: ['x', 'W', 'c'], output: ['y'], name: 'gemm', attribute: [attr('transB', 1), attr('beta', 0.5)] }
    : { opType: 'MatMul', input: ['x', 'W'], output: ['y'], name: 'mm' };
  writeFileSync(
    path,
    encodeGraph({
      name: 'g',
      input: [floatInfo('x', gemm ? [5, K] : [2, 5, K])],
      output: [floatInfo('y', gemm ? [5, N] : [2, 5, N])],
      initializer: [floatTensor('W', gemm ? [N, K] : [K, N], w), ...(gemm ? [floatTensor('c', [N], weights(3, N))] : [])],
      node: [node],
    }),
  );
  return path;
}

async function run(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await createSession(bytes);
  try {
    return (await s.run({ x: new ort.Tensor('float32', x, dims) })).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

function matmul(x: Float32Array, w: Float32Array, rows: number): Float32Array {
  const y = new Float32Array(rows * N);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < N; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += x[r * K + k]! * w[k * N + c]!;
      y[r * N + c] = s;
    }
  return y;
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return d / Math.sqrt(na * nb);
};

describe('q4 packing (onnxruntime MatMulNBits layout)', () => {
  it('nibbles low-first along K per column, scales per column then block, zero points two blocks a byte', () => {
    // [K = 32, N = 2], blocks of 16. Column 0: [-15..0] then [0..15]; column 1: [-8..7] then zeros.
    const k = 32;
    const w = new Float32Array(k * 2);
    for (let r = 0; r < k; r++) {
      w[r * 2] = r < 16 ? r - 15 : r - 16;
      w[r * 2 + 1] = r < 16 ? r - 8 : 0;
    }
    const a = quantizeQ4(w, k, 2, { blockSize: 16, symmetric: false });
    const ramp = [0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe];
    expect(a.blocks).toBe(2);
    expect(Array.from(a.packed)).toEqual([...ramp, ...ramp, ...ramp, ...Array<number>(8).fill(0x88)]);
    expect(Array.from(a.scales)).toEqual([1, 1, 1, 0]);
    expect(Array.from(a.zeroPoints!)).toEqual([0x0f, 0x88]); // col 0: zp 15 (block 0, low), 0 (block 1, high)
    expect(dequantizeQ4(a, k, 2, 16)).toEqual(w);
    const s = quantizeQ4(w, k, 2, { blockSize: 16, symmetric: true });
    expect(s.zeroPoints).toBeNull();
    expect(s.scales[2]).toBe(1); // the largest magnitude, -8, maps to -8
    expect(Array.from(s.packed.subarray(16, 24))).toEqual(ramp);
  });

  it('every weight within half a step of its block scale', () => {
    const w = weights(1, K * N);
    for (const symmetric of [false, true]) {
      const q = quantizeQ4(w, K, N, { blockSize: 32, symmetric });
      const d = dequantizeQ4(q, K, N, 32);
      for (let r = 0; r < K; r++)
        for (let c = 0; c < N; c++) {
          expect(Math.abs(d[r * N + c]! - w[r * N + c]!)).toBeLessThanOrEqual(Math.abs(q.scales[c * 3 + Math.floor(r / 32)]!) / 2 + 1e-6);
        }
    }
  });
});

describe('quantize --mode q4 in onnxruntime-web WASM', () => {
  const out = captureCliOutput();

  for (const symmetric of [false, true]) {
    it(`MatMul → MatMulNBits (${symmetric ? 'symmetric' : 'asymmetric'}): the kernel computes x · our dequantized weight, close to fp32`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'edgeserve-q4-'));
      const w = weights(2, K * N);
      const path = model(dir, w);
      const o = join(dir, 'mm.q4.onnx');
      const made = await makeInt8Variant(path, o, { mode: 'q4', blockSize: 32, symmetric });
      expect(made).toMatchObject({ precision: 'q4', quantized: { MatMul: 1 }, recipe: `quantize --mode q4 --block-size 32${symmetric ? ' --symmetric' : ''}` });
      const m = onnx.ModelProto.decode(readFileSync(o));
      const node = m.graph!.node![0]!;
      expect([node.opType, node.domain, node.input!.length]).toEqual(['MatMulNBits', 'com.microsoft', symmetric ? 3 : 4]);
      expect(m.graph!.initializer!.map((t) => t.dims!.map(Number))).toEqual([[N, 3, 16], [N * 3], ...(symmetric ? [] : [[N * 2]])]);
      const x = weights(4, 2 * 5 * K).map((v) => v * 10);
      const y = await run(readFileSync(o), x, [2, 5, K]);
      const expected = matmul(x, dequantizeQ4(quantizeQ4(w, K, N, { blockSize: 32, symmetric }), K, N, 32), 10);
      for (let i = 0; i < y.length; i++) expect(y[i]).toBeCloseTo(expected[i]!, 4);
      expect(cosine(y, matmul(x, w, 10))).toBeGreaterThan(0.99);
    }, 60_000);
  }

  it('Gemm with transB and beta·C → MatMulNBits + Mul + Add, equal to fp32 Gemm within the gate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-q4-'));
    const path = model(dir, weights(6, N * K), true);
    const o = join(dir, 'gemm.q4.onnx');
    const made = await makeInt8Variant(path, o, { mode: 'q4' });
    expect(made.quantized).toEqual({ Gemm: 1 });
    expect(made.agreement?.passed).toBe(true);
    const x = weights(7, 5 * K);
    const [a, b] = [await run(readFileSync(path), x, [5, K]), await run(readFileSync(o), x, [5, K])];
    expect(cosine(a, b)).toBeGreaterThan(0.99);
  }, 60_000);

  it('a weight shared by two MatMuls is packed once, and both read it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-q4-'));
    const w = weights(2, K * K);
    const path = join(dir, 'tied.onnx');
    writeFileSync(
      path,
      encodeGraph({
        name: 'g',
        input: [floatInfo('x', [5, K])],
        output: [floatInfo('y', [5, K])],
        initializer: [floatTensor('W', [K, K], w)],
        node: [
          { opType: 'MatMul', input: ['x', 'W'], output: ['h'], name: 'a' },
          { opType: 'MatMul', input: ['h', 'W'], output: ['y'], name: 'b' },
        ],
      }),
    );
    const o = join(dir, 'tied.q4.onnx');
    expect((await makeInt8Variant(path, o, { mode: 'q4' })).quantized).toEqual({ MatMul: 2 });
    const g = onnx.ModelProto.decode(readFileSync(o)).graph!;
    expect(g.initializer!.map((t) => t.name)).toEqual(['W_Q4', 'W_scales', 'W_zero_points']);
    expect(g.node!.map((n) => n.input![1])).toEqual(['W_Q4', 'W_Q4']);
  }, 60_000);

  it('refused by the gate: suggests a smaller block size, never --mode q4; --ignore-gate leaves passed: false, pack records q4', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-q4-'));
    // Each column's first block holds one weight of 1000 that the input never reaches (x is
    // masked there): it sets the block's scale, so the block's other weights all round to 0.
    const w = weights(8, K * N);
    for (let c = 0; c < N; c++) w[c] = 1000;
    const mask = Float32Array.from({ length: K }, (_, i) => (i === 0 ? 0 : 1));
    const path = join(dir, 'breaker.onnx');
    writeFileSync(
      path,
      encodeGraph({
        name: 'g',
        input: [floatInfo('x', [4, K])],
        output: [floatInfo('y', [4, N])],
        initializer: [floatTensor('mask', [K], mask), floatTensor('W', [K, N], w)],
        node: [
          { opType: 'Mul', input: ['x', 'mask'], output: ['xm'], name: 'mask' },
          { opType: 'MatMul', input: ['xm', 'W'], output: ['y'], name: 'mm' },
        ],
      }),
    );
    expect(await main(['quantize', path, '-o', join(dir, 'a.onnx'), '--mode', 'q4'])).toBe(1);
    const text = out.join('');
    expect(text).toMatch(/the q4 variant disagrees with fp32 .*no file written\. Try --block-size 16 /);
    expect(text).not.toMatch(/--mode q4/);
    const o = join(dir, 'breaker.q4.onnx');
    expect(await main(['quantize', path, '-o', o, '--mode', 'q4', '--ignore-gate'])).toBe(0);
    const stamped = onnx.ModelProto.decode(readFileSync(o)).metadataProps.find((p) => p.key === AGREEMENT_KEY);
    expect(JSON.parse(stamped!.value!).passed).toBe(false);
    const manifest = join(dir, 'manifest.json');
    packModel(path, { manifest, id: 'b' });
    const { variant } = packModel(o, { manifest, id: 'b' });
    expect(variant).toMatchObject({ precision: 'q4', agreement: { passed: false } });
    // Without the stamp (a Hugging Face model_q4.onnx), MatMulNBits says q4.
    const bare = onnx.ModelProto.decode(readFileSync(o));
    bare.metadataProps = [];
    const bareQ4 = join(dir, 'bare.onnx');
    writeFileSync(bareQ4, onnx.ModelProto.encode(bare).finish());
    expect(packModel(bareQ4, { manifest, id: 'b2' }).variant.precision).toBe('q4');
  }, 60_000);

  it('CLI: --block-size must be a power of 2 ≥ 16; pack --precision takes q4 and refuses what the manifest does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-q4-'));
    const path = model(dir, weights(2, K * N));
    expect(await main(['quantize', path, '-o', join(dir, 'a.onnx'), '--mode', 'q4', '--block-size', '24'])).toBe(2);
    expect(out.join('')).toMatch(/--block-size must be a power of 2 of at least 16/);
    const manifest = join(dir, 'manifest.json');
    expect(await main(['pack', path, '--manifest', manifest, '--precision', 'q5'])).toBe(2);
    expect(out.join('')).toMatch(/--precision must be one of fp32, fp16, int8, uint8, int8-weight-only, q4 \(got "q5"\)/);
    expect(await main(['pack', path, '--manifest', manifest, '--precision', 'q4'])).toBe(0);
    expect(JSON.parse(readFileSync(manifest, 'utf8')).models[0].versions[0].variants[0].precision).toBe('q4');
  }, 60_000);
});
