/**
 * Runs an fp32 model and its int8 variant on the same inputs, on onnxruntime-web's WASM backend,
 * and reports how far they agree and how fast each is. Timing interleaves the two sessions run by
 * run (alternating which goes first), so load from anything else on the machine hits both alike.
 */
import { readFileSync, statSync } from 'node:fs';
import { createSession } from '../ort-node.js';
import type { ort } from '../ort-node.js';
import { MODEL_BENCH } from './model-inputs.js';
import type { BenchModelId } from './model-paths.js';

export interface Comparison {
  id: BenchModelId;
  samples: number;
  /** Share of samples whose readout is identical (strings) — null for numeric readouts. */
  agreement: number | null;
  /** Mean cosine similarity over samples (numeric readouts) — null for strings. */
  cosine: number | null;
  /** Mean IoU of thresholded outputs (ocr-det text masks) — null when not applicable. */
  maskIoU: number | null;
  /** Worst sample's cosine and mask IoU: a mean over pages can hide one page that went wrong. */
  minCosine: number | null;
  minMaskIoU: number | null;
  /** Share of samples where fp32 matched the ground truth (ocr-rec), for context. */
  fp32Accuracy: number | null;
  int8Accuracy: number | null;
  fp32Ms: number;
  int8Ms: number;
  /** Median of per-run int8/fp32 ratios: steadier than a ratio of medians on a busy machine. */
  pairedRatio: number;
  sizeRatio: number;
}

function iou(a: Float32Array, b: Float32Array, t: number): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > t;
    const y = b[i]! > t;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]!; }
  return na === 0 && nb === 0 ? 1 : dot / Math.sqrt(na * nb);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function compareModels(id: BenchModelId, fp32Path: string, int8Path: string,
  opts: { samples: number; timingRuns: number; seed?: number }): Promise<Comparison> {
  const bench = MODEL_BENCH[id];
  const [a, b] = await Promise.all([createSession(readFileSync(fp32Path)), createSession(readFileSync(int8Path))]);
  const samples = bench.samples(opts.samples, opts.seed ?? 1);
  let same = 0;
  let cosSum = 0;
  let iouSum = 0;
  let cosMin = Infinity;
  let iouMin = Infinity;
  let fp32Right = 0;
  let int8Right = 0;
  let strings = false;
  const state: Record<'a' | 'b', ort.Tensor | undefined> = { a: undefined, b: undefined };
  const run = async (s: ort.InferenceSession, key: 'a' | 'b', feeds: Record<string, ort.Tensor>) => {
    const carry = bench.carry;
    const f = carry && state[key] ? { ...feeds, [carry.to]: state[key]! } : feeds;
    const out = await s.run(f);
    if (carry) state[key] = out[carry.from] as ort.Tensor;
    return out;
  };
  for (const sample of samples) {
    const ra = bench.readout(await run(a, 'a', sample.feeds));
    const rb = bench.readout(await run(b, 'b', sample.feeds));
    if (typeof ra === 'string' && typeof rb === 'string') {
      strings = true;
      if (ra === rb) same++;
      if (sample.label !== undefined) { if (ra === sample.label) fp32Right++; if (rb === sample.label) int8Right++; }
    } else if (typeof ra !== 'string' && typeof rb !== 'string') {
      const c = cosine(ra, rb);
      cosSum += c;
      cosMin = Math.min(cosMin, c);
      if (bench.threshold !== undefined) {
        const m = iou(ra, rb, bench.threshold);
        iouSum += m;
        iouMin = Math.min(iouMin, m);
      }
    }
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < opts.timingRuns; i++) {
    const feeds = samples[i % samples.length]!.feeds;
    const order: ['a' | 'b', ort.InferenceSession, number[]][] = i % 2 ? [['b', b, tb], ['a', a, ta]] : [['a', a, ta], ['b', b, tb]];
    for (const [key, s, times] of order) {
      const t0 = performance.now();
      await run(s, key, feeds);
      times.push(performance.now() - t0);
    }
  }
  await Promise.all([a.release(), b.release()]);
  const labelled = samples.some((s) => s.label !== undefined);
  return {
    id, samples: samples.length,
    agreement: strings ? same / samples.length : null,
    cosine: strings ? null : cosSum / samples.length,
    maskIoU: bench.threshold === undefined ? null : iouSum / samples.length,
    minCosine: strings ? null : cosMin,
    minMaskIoU: bench.threshold === undefined ? null : iouMin,
    fp32Accuracy: labelled ? fp32Right / samples.length : null,
    int8Accuracy: labelled ? int8Right / samples.length : null,
    fp32Ms: median(ta), int8Ms: median(tb), pairedRatio: ta.length ? median(tb.map((t, i) => t / ta[i]!)) : NaN,
    sizeRatio: statSync(int8Path).size / statSync(fp32Path).size,
  };
}
