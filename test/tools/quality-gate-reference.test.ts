/**
 * The gate's shared fp32 outputs (npm run models makes int8, fp16 and q4 from one fp32 file):
 * a sample whose fp32 outputs are known is not run on fp32 again.
 */
import { describe, expect, it } from 'vitest';
import { measureAgreement, type ReferenceOutputs } from '../../tools/quantize/quality-gate.js';
import { ort, type Feeds } from '../../tools/ort-node.js';
import { encodeGraph, floatInfo } from '../fixtures/onnx-graph.js';

/** y = x · k: one Mul, so the outputs are known in advance. */
const scale = (k: number) =>
  encodeGraph({
    name: 'scale',
    node: [{ opType: 'Mul', input: ['x', 'k'], output: ['y'] }],
    initializer: [{ name: 'k', dataType: 1, dims: [1], floatData: [k] }],
    input: [floatInfo('x', [1, 4])],
    output: [floatInfo('y', [1, 4])],
  });
const samples: Feeds[] = [1, 2, 3].map((i) => ({ x: new ort.Tensor('float32', Float32Array.of(i, i + 1, i + 2, i + 3), [1, 4]) }));

describe('measureAgreement with shared fp32 outputs', () => {
  it('runs fp32 once per sample across gates, and measures against what it recorded', async () => {
    const reference: ReferenceOutputs = new WeakMap();
    const first = await measureAgreement(scale(1), scale(1.01), samples, undefined, reference);
    expect(first[0]!.maxAbs).toBeCloseTo(0.06, 5);
    // Not a model at all: a gate that opened fp32 again would throw.
    const second = await measureAgreement(new Uint8Array([1, 2, 3]), scale(1.02), samples, undefined, reference);
    expect(second[0]!.maxAbs).toBeCloseTo(0.12, 5);
    expect(second[0]!.name).toBe('y');
  });

  it('opens fp32 for samples it has not seen', async () => {
    const reference: ReferenceOutputs = new WeakMap();
    await measureAgreement(scale(1), scale(1), samples.slice(0, 1), undefined, reference);
    await expect(measureAgreement(new Uint8Array([1, 2, 3]), scale(1), samples, undefined, reference)).rejects.toThrow();
  });
});
