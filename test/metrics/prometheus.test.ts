import { describe, expect, it } from 'vitest';
import { toPrometheus } from '../../src/metrics/prometheus.js';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { parsePrometheus } from '../fixtures/prometheus-parse.js';

describe('metrics', () => {
  const registry = new MetricsRegistry();
  for (let i = 1; i <= 100; i++) registry.call('ocr-cls', '1.0.0', 0.1, i);
  registry.error('ocr-cls', '1.0.0', 'BAD_INPUT');
  registry.batch('ocr-cls', '1.0.0', 4);
  registry.load('ocr-cls', '1.0.0', false, 578966);
  registry.load('ocr-cls', '1.0.0', true, 0);
  registry.call('ocr-rec', '2.0.0 "beta"', 1, 1);
  const snapshot = registry.snapshot();

  it('counts calls, errors and loads, with exact recent percentiles', () => {
    const cls = snapshot.models.find((m) => m.model === 'ocr-cls')!;
    expect(cls).toMatchObject({ calls: 101, errors: { BAD_INPUT: 1 }, cacheHits: 1, cacheMisses: 1, bytesDownloaded: 578966 });
    expect(cls.computeSeconds.count).toBe(100);
    expect(cls.computeSeconds.p50).toBeCloseTo(0.05, 6);
    expect(cls.computeSeconds.p99).toBeCloseTo(0.099, 6);
    expect(cls.computeSeconds.cumulative.at(-1)).toBe(100);
  });

  it('renders Prometheus text that a strict reader parses back with the same numbers', () => {
    const { types, samples } = parsePrometheus(toPrometheus(snapshot));
    expect(types.get('edgeserve_predict_calls_total')).toBe('counter');
    expect(types.get('edgeserve_predict_compute_seconds')).toBe('histogram');
    const find = (name: string, labels: Record<string, string>) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(find('edgeserve_predict_calls_total', { model: 'ocr-cls' })?.value).toBe(101);
    // Label values with quotes survive escaping.
    expect(find('edgeserve_predict_calls_total', { model: 'ocr-rec' })?.labels.version).toBe('2.0.0 "beta"');
    expect(find('edgeserve_predict_errors_total', { model: 'ocr-cls', code: 'BAD_INPUT' })?.value).toBe(1);
    expect(find('edgeserve_predict_compute_seconds_count', { model: 'ocr-cls' })?.value).toBe(100);
    expect(find('edgeserve_predict_compute_seconds_bucket', { model: 'ocr-cls', le: '0.05' })?.value).toBe(50);
    // Histogram buckets are cumulative and end at +Inf with the count, per series.
    for (const model of ['ocr-cls', 'ocr-rec']) {
      const buckets = samples.filter((s) => s.name === 'edgeserve_predict_compute_seconds_bucket' && s.labels.model === model);
      expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));
      expect(buckets.at(-1)?.labels.le).toBe('+Inf');
      expect(buckets.at(-1)?.value).toBe(find('edgeserve_predict_compute_seconds_count', { model })?.value);
    }
    expect(find('edgeserve_download_bytes_total', { model: 'ocr-cls' })?.value).toBe(578966);
  });
});
