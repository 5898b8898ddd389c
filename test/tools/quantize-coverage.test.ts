// Op coverage on models built here with the project's ONNX writer (one per op family), quantized
// and run on the real onnxruntime-web in Node: the integer ops must load, run and stay close.
import { mkdtempSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { readModelFile } from '../../tools/onnx/model-io.js';
import { main } from '../../tools/cli/cli.js';
import { createSession, ort } from '../../tools/ort-node.js';
import type { Feeds } from '../../tools/ort-node.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeserve-cov-'));
const weights = (n: number, k: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k) * 0.5);
const vi32 = (name: string, dims: number[]): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const int = (name: string, i: number): onnx.IAttributeProto => ({ name, i, type: onnx.AttributeProto.AttributeType.INT });

function writeModel(file: string, graph: onnx.IGraphProto, opset = 13): string {
  const path = join(dir, file);
  writeFileSync(path, onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], producerName: 'test', graph })).finish());
  return path;
}

/** Two nn.Linear layers as PyTorch exports them on 2-D input: Gemm(transB=1) with a bias, ReLU between. */
function gemmModel(): string {
  return writeModel('gemm.onnx', {
    name: 'mlp',
    input: [vi32('x', [4, 64])],
    output: [vi32('y', [4, 16])],
    initializer: [
      floatTensor('W1', [32, 64], weights(32 * 64, 1)),
      floatTensor('b1', [32], weights(32, 2)),
      floatTensor('W2', [16, 32], weights(16 * 32, 3)),
      floatTensor('b2', [16], weights(16, 4)),
    ],
    node: [
      { opType: 'Gemm', input: ['x', 'W1', 'b1'], output: ['h'], name: 'fc1', attribute: [int('transB', 1)] },
      { opType: 'Relu', input: ['h'], output: ['r'], name: 'relu' },
      { opType: 'Gemm', input: ['r', 'W2', 'b2'], output: ['y'], name: 'fc2', attribute: [int('transB', 1)] },
    ],
  });
}

/** ConvTranspose only: no integer kernel for it in dynamic mode. */
function convTransposeModel(): string {
  return writeModel('deconv.onnx', {
    name: 'up',
    input: [vi32('x', [1, 8, 8, 8])],
    output: [vi32('y', [1, 8, 16, 16])],
    initializer: [floatTensor('W', [8, 8, 2, 2], weights(256, 5))],
    node: [{ opType: 'ConvTranspose', input: ['x', 'W'], output: ['y'], name: 'up', attribute: [{ name: 'strides', ints: [2, 2], type: onnx.AttributeProto.AttributeType.INTS }] }],
  });
}

/** An embedding table read by token ids (what a text model starts with). */
function embeddingModel(): string {
  return writeModel('embed.onnx', {
    name: 'embed',
    input: [{ name: 'ids', type: { tensorType: { elemType: 7, shape: { dim: [{ dimValue: 6 }] } } } }],
    output: [vi32('y', [6, 32])],
    initializer: [floatTensor('E', [100, 32], weights(100 * 32, 6))],
    node: [{ opType: 'Gather', input: ['E', 'ids'], output: ['y'], name: 'embed' }],
  });
}

/** One LSTM layer (sequence 5, batch 2, input 16, hidden 32), weights as constants. */
function lstmModel(): string {
  return writeModel('lstm.onnx', {
    name: 'rnn',
    input: [vi32('x', [5, 2, 16])],
    output: [vi32('y', [5, 1, 2, 32])],
    initializer: [floatTensor('W', [1, 128, 16], weights(128 * 16, 7)), floatTensor('R', [1, 128, 32], weights(128 * 32, 8))],
    node: [{ opType: 'LSTM', input: ['x', 'W', 'R'], output: ['y'], name: 'lstm', attribute: [int('hidden_size', 32)] }],
  });
}

/** Conv 8→16 3×3 then BatchNormalization, as paddle2onnx and PyTorch export a conv block. */
function convBnModel(): string {
  const c = (name: string, n: number, k: number, shift = 0): onnx.ITensorProto =>
    floatTensor(
      name,
      [n],
      weights(n, k).map((v) => v + shift),
    );
  return writeModel('conv-bn.onnx', {
    name: 'block',
    input: [vi32('x', [1, 8, 16, 16])],
    output: [vi32('y', [1, 16, 16, 16])],
    initializer: [floatTensor('W', [16, 8, 3, 3], weights(16 * 8 * 9, 9)), c('gamma', 16, 10, 1), c('beta', 16, 11), c('mean', 16, 12), c('var', 16, 13, 1)],
    node: [
      { opType: 'Conv', input: ['x', 'W'], output: ['c'], name: 'conv', attribute: [{ name: 'pads', ints: [1, 1, 1, 1], type: onnx.AttributeProto.AttributeType.INTS }] },
      { opType: 'BatchNormalization', input: ['c', 'gamma', 'beta', 'mean', 'var'], output: ['y'], name: 'bn' },
    ],
  });
}

const samples = (n: number): Feeds[] => Array.from({ length: n }, (_, s) => ({ x: new ort.Tensor('float32', weights(4 * 64, s + 10), [4, 64]) }));

describe('Gemm (nn.Linear) in every mode', () => {
  it('dynamic: both Gemms become MatMulInteger, the gate passes on generated inputs', async () => {
    const out = join(dir, 'gemm-dyn.onnx');
    const made = await makeInt8Variant(gemmModel(), out);
    expect(made.quantized.Gemm).toBe(2);
    expect(readModelFile(out).model.graph!.node!.filter((n) => n.opType === 'MatMulInteger')).toHaveLength(2);
    expect(made.agreement?.passed).toBe(true);
    expect(made.agreement?.outputs[0]?.cosine).toBeGreaterThan(0.99);
  }, 30_000);

  it('static: QDQ around both Gemms, calibrated, the gate passes on the calibration samples', async () => {
    const out = join(dir, 'gemm-static.onnx');
    const made = await makeInt8Variant(gemmModel(), out, { mode: 'static', calibration: samples(4) });
    expect(made.quantized.Gemm).toBe(2);
    expect(made.agreement).toMatchObject({ inputs: 'calibration', samples: 4, passed: true });
  }, 30_000);

  it('weight-only: int8 weights dequantized for both Gemms', async () => {
    const made = await makeInt8Variant(gemmModel(), join(dir, 'gemm-wo.onnx'), { mode: 'weight-only' });
    expect(made.quantized.Gemm).toBe(2);
    expect(made.agreement?.passed).toBe(true);
  }, 30_000);
});

describe('Gather on an embedding table', () => {
  for (const mode of ['dynamic', 'static', 'weight-only'] as const) {
    it(`${mode}: int8 table, int8 rows dequantized; every row within half a step of fp32`, async () => {
      const out = join(dir, `embed-${mode}.onnx`);
      const ids = BigInt64Array.of(0n, 3n, 17n, 42n, 99n, 3n);
      const calibration = [{ ids: new ort.Tensor('int64', ids, [6]) }];
      const made = await makeInt8Variant(embeddingModel(), out, { mode, calibration });
      expect(made.quantized.Gather).toBe(1);
      const { model } = readModelFile(out);
      expect(model.graph!.initializer!.find((t) => t.dataType === onnx.TensorProto.DataType.INT8)?.dims?.map(Number)).toEqual([100, 32]);
      const session = await createSession(readFileSync(out));
      const y = (await session.run({ ids: new ort.Tensor('int64', ids, [6]) })).y!.data as Float32Array;
      const table = weights(100 * 32, 6);
      let worst = 0;
      ids.forEach((id, r) => {
        for (let c = 0; c < 32; c++) worst = Math.max(worst, Math.abs(y[r * 32 + c]! - table[Number(id) * 32 + c]!));
      });
      // Largest |w| is ≤ 0.5, so a per-column step is ≤ 0.5 / 127.
      expect(worst).toBeLessThanOrEqual(0.5 / 127 / 2 + 1e-6);
    }, 30_000);
  }
});

describe('Conv + BatchNormalization', () => {
  it('dynamic: BN folded into the Conv before quantizing (no BatchNormalization left), gate passes', async () => {
    const out = join(dir, 'conv-bn-dyn.onnx');
    const made = await makeInt8Variant(convBnModel(), out);
    expect(made.quantized.Conv).toBe(1);
    const ops = readModelFile(out).model.graph!.node!.map((n) => n.opType);
    expect(ops).toContain('ConvInteger');
    expect(ops).not.toContain('BatchNormalization');
    expect(made.agreement?.passed).toBe(true);
  }, 30_000);

  // The folded Conv writes the BN's output name; calibration must have a range for it, or the
  // Conv finds no output range and falls back to weight-only (float compute, no QLinearConv).
  it('static: the folded Conv is a full QDQ unit (activation, weight and output quantized), gate passes', async () => {
    const out = join(dir, 'conv-bn-static.onnx');
    const calibration = Array.from({ length: 4 }, (_, s) => ({ x: new ort.Tensor('float32', weights(8 * 16 * 16, s + 20), [1, 8, 16, 16]) }));
    const made = await makeInt8Variant(convBnModel(), out, { mode: 'static', calibration });
    const nodes = readModelFile(out).model.graph!.node!;
    const conv = nodes.find((n) => n.opType === 'Conv')!;
    const producer = (t: string) => nodes.find((n) => n.output?.includes(t))?.opType;
    expect(nodes.map((n) => n.opType)).not.toContain('BatchNormalization');
    expect(conv.input!.map(producer)).toEqual(['DequantizeLinear', 'DequantizeLinear', 'DequantizeLinear']);
    expect(nodes.find((n) => n.input?.includes(conv.output![0]!))?.opType).toBe('QuantizeLinear');
    expect(made.agreement?.passed).toBe(true);
  }, 30_000);
});

describe('LSTM', () => {
  it('dynamic: DynamicQuantizeLSTM (com.microsoft) with int8 W and R; the gate passes', async () => {
    const out = join(dir, 'lstm-dyn.onnx');
    const made = await makeInt8Variant(lstmModel(), out);
    expect(made.quantized.LSTM).toBe(1);
    const { model } = readModelFile(out);
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['DynamicQuantizeLSTM']);
    expect(made.agreement?.passed).toBe(true);
    expect(made.agreement?.outputs[0]?.cosine).toBeGreaterThan(0.99);
  }, 30_000);
});

describe('the CLI on models it cannot help', () => {
  const out = captureCliOutput();

  it('nothing to quantize in dynamic mode: exit 1, no file, and it names --mode weight-only', async () => {
    const target = join(dir, 'deconv-int8.onnx');
    expect(await main(['quantize', convTransposeModel(), '-o', target])).toBe(1);
    expect(existsSync(target)).toBe(false);
    expect(out.join('')).toMatch(/nothing to quantize in dynamic mode[\s\S]*--mode weight-only/);
    expect(await main(['quantize', convTransposeModel(), '-o', target, '--mode', 'weight-only'])).toBe(0);
    expect(existsSync(target)).toBe(true);
  }, 30_000);

  it('a gate failure: GATE_FAILED and no file written', async () => {
    // A threshold no int8 model meets (cosine 1 and zero relative error) stands in for a bad variant.
    const target = join(dir, 'gemm-strict.onnx');
    await expect(makeInt8Variant(gemmModel(), target, { thresholds: { minAgreement: 1, maxP99AbsProbability: 0, minCosine: 1, maxRelative: 0 } })).rejects.toMatchObject({
      code: 'GATE_FAILED',
    });
    expect(existsSync(target)).toBe(false);
  }, 30_000);
});
