/**
 * One comparison: load fp32 and int8 of the subject, run each once (first run: warm-up, shader
 * compilation), then N steady runs alternating between them so both see the same machine load,
 * then how far their outputs agree.
 */
import type { Manifest, Precision, Runtime } from '../../src/index.js';
import type { LatencyChart } from './latency-chart.js';
import { agreement, maxAbsDiff, median, percentile } from './stats.js';
import { precisionFor, type LoadedSubject, type PlaygroundInput, type RunOutput, type Subject } from './subjects.js';
import type { VariantCard } from './variant-card.js';
import { buildAgreement } from './build-agreement.js';

export const PRECISIONS = ['fp32', 'int8'] as const satisfies readonly Precision[];
export type ComparedPrecision = (typeof PRECISIONS)[number];

export interface Agreement {
  top1?: number;
  text?: number;
  maxAbsDiff?: number;
}

export interface CompareArgs {
  runtime: Runtime;
  manifest: Manifest;
  subject: Subject;
  input: PlaygroundInput;
  runs: number;
  cards: Record<ComparedPrecision, VariantCard>;
  chart: LatencyChart;
  /** Image to draw results over (image subjects only). */
  image?: ImageData;
}

export function hasVariant(manifest: Manifest, subject: Subject, precision: Precision): boolean {
  return subject.modelIds.some((id) => precisionFor(manifest, id, precision));
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

export async function compare(args: CompareArgs): Promise<Agreement | undefined> {
  const { runtime, manifest, subject, input, cards, chart } = args;
  const loaded: Partial<Record<ComparedPrecision, LoadedSubject>> = {};
  const outputs: Partial<Record<ComparedPrecision, RunOutput>> = {};
  const steady: Record<ComparedPrecision, number[]> = { fp32: [], int8: [] };
  chart.clear();
  try {
    for (const precision of PRECISIONS) {
      const card = cards[precision];
      card.reset();
      if (!hasVariant(manifest, subject, precision)) {
        card.unavailable(`No ${precision} variant of ${subject.modelIds.join(', ')} in this manifest yet (edgeserve quantize makes one).`);
        continue;
      }
      const [model, ms] = await timed(() => subject.load({ runtime, manifest, precision, input, onProgress: (p) => card.progress(p) }));
      loaded[precision] = model;
      card.loaded(model.infos(), ms);
      if (precision !== 'fp32') {
        const built = buildAgreement(manifest, subject.modelIds);
        card.buildAgreement(built.lines, built.disagrees);
      }
    }
    const active = PRECISIONS.filter((p) => loaded[p]);
    for (const precision of active) {
      const [out, ms] = await timed(() => loaded[precision]!.run());
      outputs[precision] = out;
      cards[precision].firstRun(ms);
      cards[precision].result(out, args.image);
    }
    for (let i = 0; i < args.runs; i++) {
      for (const precision of active) {
        const [, ms] = await timed(() => loaded[precision]!.run());
        steady[precision].push(ms);
        cards[precision].steady(median(steady[precision]), percentile(steady[precision], 95), steady[precision].length);
      }
      chart.show(active.map((p) => ({ label: p, values: steady[p] })));
    }
  } finally {
    for (const card of Object.values(cards)) card.settle();
    await Promise.all(Object.values(loaded).map((m) => m.dispose().catch(() => undefined)));
  }
  const a = outputs.fp32;
  const b = outputs.int8;
  if (!a || !b) return undefined;
  return {
    ...(agreement(a.decisions, b.decisions) !== undefined ? { top1: agreement(a.decisions, b.decisions)! } : {}),
    ...(a.texts && b.texts ? { text: agreement(a.texts, b.texts) ?? 1 } : {}),
    ...(maxAbsDiff(a.vectors, b.vectors) !== undefined ? { maxAbsDiff: maxAbsDiff(a.vectors, b.vectors)! } : {}),
  };
}
