/**
 * Batched vs unbatched throughput: `concurrency` predicts fired at once on one model, in three
 * runtimes (one worker each, so each has its own metrics): micro-batching with
 * `maxQueueDelayUs` 0 (merge only what is already queued), micro-batching with a 2 ms window,
 * and `batching: false`. Rounds alternate between them; the mean batch size is the runtime's own
 * `batchSize` histogram.
 */
import { inputsFor } from '../../test/fixtures/inputs.js';
import { createRuntime, type Model, type Runtime, type TensorMap } from '../../src/index.js';
import type { CellSpec } from '../lib/cell.js';
import { summarize, type Summary } from '../lib/stats.js';
import { cloneInputs, threadsFor } from './side.js';

export interface BatchingVariant {
  name: string;
  batching: unknown;
  /** Wall time of one round of `concurrency` concurrent calls (ms). */
  round: Summary;
  perSec: number;
  meanBatchSize?: number;
  /** What the runtime says it applied (ModelInfo.batching). */
  applied?: unknown;
}

export interface BatchingFigures {
  concurrency: number;
  rounds: number;
  variants: BatchingVariant[];
}

const VARIANTS: { name: string; batching: unknown }[] = [
  { name: 'batched, delay 0', batching: { maxQueueDelayUs: 0 } },
  { name: 'batched, delay 2 ms', batching: { maxQueueDelayUs: 2000 } },
  { name: 'unbatched', batching: false },
];

type MetricsLike = { models: { model: string; batchSize: { count: number; sum: number } }[] };

async function round(model: Model, template: TensorMap, concurrency: number): Promise<number> {
  const inputs = Array.from({ length: concurrency }, () => cloneInputs(template));
  const started = performance.now();
  await Promise.all(inputs.map((x) => model.predict(x)));
  return performance.now() - started;
}

export async function batchingThroughput(spec: CellSpec, storeName: string, concurrency: number, rounds: number): Promise<BatchingFigures> {
  const template = inputsFor[spec.model]!();
  const runs: { runtime: Runtime; model: Model; samples: number[] }[] = [];
  try {
    for (const variant of VARIANTS) {
      const runtime = createRuntime({ backend: spec.backend === 'webgpu' ? 'webgpu' : 'wasm', wasmThreads: threadsFor(spec.backend), storeName });
      // `batching` with maxBatchSize: typed loosely so this file compiles against any runtime.
      const batching = variant.batching === false ? false : { maxBatchSize: concurrency, ...(variant.batching as object) };
      const model = await runtime.load(spec.model, { precision: spec.precision, batching } as Parameters<Runtime['load']>[1]);
      runs.push({ runtime, model, samples: [] });
    }
    for (let i = 0; i < spec.warmup; i++) for (const run of runs) await round(run.model, template, concurrency);
    const before = await Promise.all(runs.map((r) => meanBatch(r.runtime, spec.model)));
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? runs : [...runs].reverse();
      for (const run of order) run.samples.push(await round(run.model, template, concurrency));
    }
    const after = await Promise.all(runs.map((r) => meanBatch(r.runtime, spec.model)));
    return {
      concurrency,
      rounds,
      variants: runs.map((run, i) => {
        const s = summarize(run.samples);
        const a = after[i];
        const b = before[i];
        const mean = a && b && a.count > b.count ? (a.sum - b.sum) / (a.count - b.count) : undefined;
        return {
          name: VARIANTS[i]!.name,
          batching: VARIANTS[i]!.batching,
          round: s,
          perSec: (concurrency * 1000) / s.median,
          ...(mean !== undefined ? { meanBatchSize: mean } : {}),
          applied: (run.model.info() as unknown as { batching?: unknown }).batching,
        };
      }),
    };
  } finally {
    for (const run of runs) run.runtime.dispose();
  }
}

async function meanBatch(runtime: Runtime, id: string): Promise<{ count: number; sum: number } | undefined> {
  const metrics = await (runtime as unknown as { metrics?: () => Promise<MetricsLike> }).metrics?.();
  return metrics?.models.filter((m) => m.model === id).reduce((acc, m) => ({ count: acc.count + m.batchSize.count, sum: acc.sum + m.batchSize.sum }), { count: 0, sum: 0 });
}
