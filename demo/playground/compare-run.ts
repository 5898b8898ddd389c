/**
 * One comparison: load each chosen precision of the subject (fp32, int8, fp16, q4: those the
 * manifest has), run each once (first run: warm-up, shader compilation), then N steady rounds
 * calling them in turn so all see the same machine load, then how far each agrees with fp32.
 */
import type { Manifest, Precision, Runtime } from '../../src/index.js';
import type { LatencyChart } from './latency-chart.js';
import { agreement, maxAbsDiff, meanAbsDiff, median, percentile } from './stats.js';
import { precisionFor, type LoadedSubject, type PlaygroundInput, type RunOutput, type Subject } from './subjects.js';
import type { VariantCard } from './variant-card.js';
import { buildAgreement } from './build-agreement.js';

/** The precisions the playground can put side by side, fp32 (the reference) first. */
export const PRECISIONS = ['fp32', 'int8', 'fp16', 'q4'] as const satisfies readonly Precision[];
export type ComparedPrecision = (typeof PRECISIONS)[number];
export type ReducedPrecision = Exclude<ComparedPrecision, 'fp32'>;
export const REDUCED = PRECISIONS.filter((p): p is ReducedPrecision => p !== 'fp32');

/** One variant against fp32 on this input: decisions, decoded text, and how far the raw values moved. */
export interface Agreement {
  top1?: number;
  text?: number;
  maxAbsDiff?: number;
  meanAbsDiff?: number;
}

export interface CompareArgs {
  runtime: Runtime;
  manifest: Manifest;
  subject: Subject;
  input: PlaygroundInput;
  runs: number;
  /** The precisions to compare (fp32 is the reference the others are measured against). */
  precisions: readonly ComparedPrecision[];
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

function agreementWith(a: RunOutput, b: RunOutput): Agreement {
  const top1 = agreement(a.decisions, b.decisions);
  const max = maxAbsDiff(a.vectors, b.vectors);
  const mean = meanAbsDiff(a.vectors, b.vectors);
  return {
    ...(top1 !== undefined ? { top1 } : {}),
    ...(a.texts && b.texts ? { text: agreement(a.texts, b.texts) ?? 1 } : {}),
    ...(max !== undefined ? { maxAbsDiff: max } : {}),
    ...(mean !== undefined ? { meanAbsDiff: mean } : {}),
  };
}

/** Each variant that ran beside fp32, against fp32; empty when fp32 or every other variant is missing. */
export async function compare(args: CompareArgs): Promise<Partial<Record<ReducedPrecision, Agreement>>> {
  const { runtime, manifest, subject, input, cards, chart } = args;
  const loaded: Partial<Record<ComparedPrecision, LoadedSubject>> = {};
  const outputs: Partial<Record<ComparedPrecision, RunOutput>> = {};
  const steady: Partial<Record<ComparedPrecision, number[]>> = {};
  chart.clear();
  try {
    for (const precision of args.precisions) {
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
        const built = buildAgreement(manifest, subject.modelIds, precision);
        card.buildAgreement(built.lines, built.disagrees);
      }
    }
    const active = args.precisions.filter((p) => loaded[p]);
    for (const precision of active) {
      const [out, ms] = await timed(() => loaded[precision]!.run());
      outputs[precision] = out;
      cards[precision].firstRun(ms);
      cards[precision].result(out, args.image);
    }
    for (let i = 0; i < args.runs; i++) {
      // Turns alternate direction round by round (ABCD DCBA …): no variant always runs right after another.
      for (const precision of i % 2 === 0 ? active : [...active].reverse()) {
        const [, ms] = await timed(() => loaded[precision]!.run());
        const times = (steady[precision] ??= []);
        times.push(ms);
        cards[precision].steady(median(times), percentile(times, 95), times.length);
      }
      chart.show(active.map((p) => ({ label: p, values: steady[p] ?? [] })));
    }
  } finally {
    for (const card of Object.values(cards)) card.settle();
    await Promise.all(Object.values(loaded).map((m) => m.dispose().catch(() => undefined)));
  }
  const reference = outputs.fp32;
  const result: Partial<Record<ReducedPrecision, Agreement>> = {};
  if (!reference) return result;
  for (const precision of REDUCED) {
    const out = outputs[precision];
    if (out) result[precision] = agreementWith(reference, out);
  }
  return result;
}
