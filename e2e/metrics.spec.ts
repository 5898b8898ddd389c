/** Metrics match the calls made, per model and version, and the Prometheus text parses. */
import { expect, openHarness, test } from './fixtures.js';
import { parsePrometheus } from '../test/fixtures/prometheus-parse.js';

test('counts, errors, histograms and cache figures match what happened', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'metrics' });
    await runtime.cache.clear();
    const model = await runtime.load('ocr-cls', { batching: false });
    for (let i = 0; i < 5; i++) await model.predict(inputs.ocrClsInput());
    await model.predict({ y: inputs.ocrClsInput().x! }).catch(() => undefined);
    const aborted = new AbortController();
    aborted.abort();
    await model.predict(inputs.ocrClsInput(), { signal: aborted.signal }).catch(() => undefined);
    await runtime.load('ocr-cls'); // second load: a cache hit
    const snapshot = await runtime.metrics();
    const text = await runtime.metrics({ format: 'prometheus' });
    runtime.dispose();
    return { snapshot, text };
  });
  const cls = result.snapshot.models.find((m) => m.model === 'ocr-cls' && m.version === '1.0.0')!;
  expect(cls).toMatchObject({ calls: 7, errors: { BAD_INPUT: 1, ABORTED: 1 }, cacheMisses: 1, cacheHits: 1, bytesDownloaded: 578966 });
  expect(cls.computeSeconds.count).toBe(5);
  expect(cls.queueSeconds.count).toBe(5);
  expect(cls.computeSeconds.p50).toBeGreaterThan(0);
  expect(cls.computeSeconds.p99).toBeGreaterThanOrEqual(cls.computeSeconds.p50);

  const { types, samples } = parsePrometheus(result.text);
  expect(types.get('edgeserve_predict_compute_seconds')).toBe('histogram');
  const value = (name: string, labels: Record<string, string>) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  expect(value('edgeserve_predict_calls_total', { model: 'ocr-cls', version: '1.0.0' })).toBe(7);
  expect(value('edgeserve_predict_errors_total', { model: 'ocr-cls', code: 'BAD_INPUT' })).toBe(1);
  expect(value('edgeserve_predict_compute_seconds_count', { model: 'ocr-cls' })).toBe(5);
  expect(value('edgeserve_cache_hits_total', { model: 'ocr-cls' })).toBe(1);
});
