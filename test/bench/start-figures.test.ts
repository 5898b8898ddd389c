/** The bench's own checks: a warm start slower than its cold start is flagged; CDN cache headers by path. */
import { describe, expect, it } from 'vitest';
import { summarizeStarts, type StartSamples } from '../../bench/lib/run-starts.js';
import { cacheControlFor, IMMUTABLE } from '../../bench/lib/server.js';

const start = (ttfpMs: number) => ({ ttfpMs, firstRunMs: 1, loadMs: ttfpMs - 1 });
const samples = (esCold: number[], esWarm: number[], bareCold: number[], bareWarm: number[]): StartSamples => ({
  order: esCold.map((_, i) => (i % 2 ? 'bare' : 'edgeserve')),
  edgeserve: { cold: esCold.map(start), warm: esWarm.map(start) },
  bare: { cold: bareCold.map(start), warmHttp: bareWarm.map(start) },
  failures: [],
});

describe('start figures', () => {
  it('gives ratios of medians and passes a sane run', () => {
    const f = summarizeStarts(samples([1200, 1000, 1100], [300, 200, 250], [1000, 900, 800], [600, 500, 700]));
    expect(f.coldRatio).toBeCloseTo(1100 / 900);
    expect(f.warmVsBareHttp).toBeCloseTo(250 / 600);
    expect(f.esCold).toMatchObject({ n: 3, median: 1100, min: 1000, max: 1200 });
    expect(f.suspect).toEqual([]);
    expect(f.tooFew).toBe(true);
    expect(summarizeStarts(samples([1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1])).tooFew).toBe(false);
  });

  it('gives edgeserve warm ÷ onnxruntime-web alone in a worker, and flags that worker warm slower than cold', () => {
    const withWorker = (cold: number[], warm: number[]): StartSamples => ({
      ...samples([1000, 1000, 1000], [300, 400, 500], [800, 800, 800], [600, 600, 600]),
      bareWorker: { cold: cold.map(start), warm: warm.map(start) },
    });
    const f = summarizeStarts(withWorker([700, 700, 700], [350, 380, 390]));
    expect(f.warmVsBareWorker).toBeCloseTo(400 / 380);
    expect(f.bareWorkerWarm).toMatchObject({ n: 3, median: 380 });
    expect(f.suspect).toEqual([]);
    expect(summarizeStarts(withWorker([700, 700, 700], [750, 800, 760])).suspect).toEqual(['bare worker: warm (HTTP cache) slower than its own cold start']);
  });

  it('flags a warm baseline slower than its own cold start as a harness fault', () => {
    const f = summarizeStarts(samples([1000, 1000, 1000], [300, 300, 300], [800, 800, 800], [900, 950, 1000]));
    expect(f.suspect).toEqual(['bare: warm (HTTP cache) slower than its own cold start']);
  });
});

describe('bench server cache headers', () => {
  it('sends what a CDN sends: versioned model and engine files immutable, pages and the manifest revalidated', () => {
    expect(cacheControlFor('/models/ocr-cls/1.0.0/ch_ppocr_mobile_v2.0_cls_infer.onnx')).toBe(IMMUTABLE);
    expect(cacheControlFor('/engines/ort/ort-wasm-simd-threaded.jsep.wasm')).toBe(IMMUTABLE);
    expect(cacheControlFor('/assets/bench-abc123.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('/models/manifest.json')).toBe('no-cache');
    expect(cacheControlFor('/bench/pages/bench.html')).toBe('no-cache');
  });
});

describe('warm visits must come from caches', () => {
  it('flags a warm visit that fetched an engine or model file from the server again', () => {
    const s = { ...samples([1000], [300], [800], [500]), refetched: ['bare warm: /engines/ort/ort-wasm-simd-threaded.jsep.wasm'] };
    expect(summarizeStarts(s).suspect).toEqual(['warm visits fetched from the server again: bare warm: /engines/ort/ort-wasm-simd-threaded.jsep.wasm']);
  });
});
