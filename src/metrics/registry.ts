/**
 * Counters and histograms per model and version, kept in the worker where calls run. Buckets
 * are fixed (so Prometheus can aggregate across devices); percentiles come from a ring of
 * recent samples (so a snapshot reports exact p50/p95/p99 for what happened lately).
 */
import { quantileSorted, sortedCopy } from '../stats.js';
import type { HistogramSnapshot, MetricsSnapshot, ModelMetrics } from './types.js';

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64];
const RING = 2048;

class Histogram {
  private readonly counts: number[];
  private readonly recent: number[] = [];
  private next = 0;
  count = 0;
  sum = 0;

  constructor(private readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.count++;
    this.sum += value;
    const index = this.buckets.findIndex((le) => value <= le);
    if (index >= 0) this.counts[index]!++;
    if (this.recent.length < RING) this.recent.push(value);
    else this.recent[this.next] = value;
    this.next = (this.next + 1) % RING;
  }

  snapshot(): HistogramSnapshot {
    const sorted = sortedCopy(this.recent);
    const at = (q: number) => (sorted.length === 0 ? 0 : quantileSorted(sorted, q));
    let running = 0;
    return {
      buckets: [...this.buckets],
      cumulative: this.counts.map((c) => (running += c)),
      count: this.count,
      sum: this.sum,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
    };
  }
}

interface Series {
  calls: number;
  errors: Map<string, number>;
  queue: Histogram;
  compute: Histogram;
  batch: Histogram;
  cacheHits: number;
  cacheMisses: number;
  bytesDownloaded: number;
  sharedMemoryCalls: number;
}

export class MetricsRegistry {
  private readonly series = new Map<string, { model: string; version: string; data: Series }>();

  private get(model: string, version: string): Series {
    const key = `${model}\u0000${version}`;
    let entry = this.series.get(key);
    if (!entry) {
      entry = {
        model,
        version,
        data: {
          calls: 0,
          errors: new Map(),
          queue: new Histogram(SECONDS_BUCKETS),
          compute: new Histogram(SECONDS_BUCKETS),
          batch: new Histogram(BATCH_BUCKETS),
          cacheHits: 0,
          cacheMisses: 0,
          bytesDownloaded: 0,
          sharedMemoryCalls: 0,
        },
      };
      this.series.set(key, entry);
    }
    return entry.data;
  }

  call(model: string, version: string, queueMs: number, computeMs: number): void {
    const s = this.get(model, version);
    s.calls++;
    s.queue.observe(queueMs / 1000);
    s.compute.observe(computeMs / 1000);
  }

  /** A call that came through the shared-memory channel (also counted by `call` or `error`). */
  sharedMemoryCall(model: string, version: string): void {
    this.get(model, version).sharedMemoryCalls++;
  }

  error(model: string, version: string, code: string): void {
    const s = this.get(model, version);
    s.calls++;
    s.errors.set(code, (s.errors.get(code) ?? 0) + 1);
  }

  batch(model: string, version: string, size: number): void {
    this.get(model, version).batch.observe(size);
  }

  load(model: string, version: string, fromCache: boolean, bytesDownloaded: number): void {
    const s = this.get(model, version);
    if (fromCache) s.cacheHits++;
    else s.cacheMisses++;
    s.bytesDownloaded += bytesDownloaded;
  }

  snapshot(now: number = Date.now()): MetricsSnapshot {
    const models: ModelMetrics[] = [...this.series.values()].map(({ model, version, data }) => ({
      model,
      version,
      calls: data.calls,
      errors: Object.fromEntries(data.errors),
      queueSeconds: data.queue.snapshot(),
      computeSeconds: data.compute.snapshot(),
      batchSize: data.batch.snapshot(),
      cacheHits: data.cacheHits,
      cacheMisses: data.cacheMisses,
      bytesDownloaded: data.bytesDownloaded,
      sharedMemoryCalls: data.sharedMemoryCalls,
    }));
    return { takenAt: now, models };
  }
}
