// The gate's metrics on hand-made outputs: the case cosine cannot see (a constant offset on a
// probability) must fail, and the kinds must be told apart.
import { describe, expect, it } from 'vitest';
import { compareOutput } from '../../tools/quantize/quality-gate.js';

describe('quality gate metrics', () => {
  it('probabilities 0.2 → 0.8: cosine ≈ 1 but decisions at 0.5 and |Δp| fail', () => {
    const fp32 = Float32Array.of(0.23, 0.21, 0.2, 0.19, 0.19);
    const int8 = Float32Array.of(0.77, 0.89, 0.86, 0.85, 0.84);
    const r = compareOutput('output', fp32, int8, [1, 1]);
    expect(r.kind).toBe('probability');
    expect(r.cosine).toBeGreaterThan(0.99);
    expect(r.agreement).toBe(0);
    expect(r.maxAbs).toBeCloseTo(0.68, 2);
    expect(r.passed).toBe(false);
  });

  it('a probability map whose edge pixels move passes on the 99th percentile, a shifted map fails', () => {
    // 10 000 pixels of a text mask: 0.5 % of them (the edges) move by 0.9, the rest by 0.01.
    const fp32 = Float32Array.from({ length: 10_000 }, (_, i) => (i % 100 < 30 ? 0.95 : 0.02));
    const edges = fp32.map((v, i) => (i % 200 === 29 ? 1 - v : Math.min(1, v + 0.01)));
    const r = compareOutput('map', fp32, edges, [1, 1, 100, 100]);
    expect(r.kind).toBe('probability');
    expect(r.maxAbs).toBeGreaterThan(0.85);
    expect(r.p99Abs).toBeLessThan(0.02);
    expect(r.passed).toBe(true);
    const shifted = fp32.map((v, i) => (i % 10 === 0 ? Math.min(1, v + 0.3) : v));
    expect(compareOutput('map', fp32, shifted, [1, 1, 100, 100]).passed).toBe(false);
  });

  it('softmax rows are a classifier: top-1 agreement per row', () => {
    const fp32 = Float32Array.of(0.9, 0.1, 0.4, 0.6);
    const r = compareOutput('p', fp32, Float32Array.of(0.8, 0.2, 0.6, 0.4), [2, 2]);
    expect(r.kind).toBe('classifier');
    expect(r.agreement).toBe(0.5);
    expect(r.passed).toBe(false);
  });

  it('features: a 40 dB error on a few bins fails on relative error although cosine is high', () => {
    const fp32 = Float32Array.from({ length: 400 }, (_, i) => -60 + (i % 40));
    const int8 = fp32.map((v, i) => (i % 50 === 0 ? v + 42.7 : v));
    const r = compareOutput('logmel', fp32, int8, [1, 400]);
    expect(r.kind).toBe('features');
    expect(r.passed).toBe(false);
    expect(r.failure).toMatch(/relative|cosine/);
  });
});
