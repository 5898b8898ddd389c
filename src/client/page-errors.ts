/**
 * Failures the worker never sees — its own death, and calls the page aborted or timed out —
 * counted on the page and merged into the worker's metrics snapshot by model and version.
 */
import type { MetricsSnapshot, ModelMetrics } from '../metrics/types.js';

const emptyHistogram = () => ({ buckets: [], cumulative: [], count: 0, sum: 0, p50: 0, p95: 0, p99: 0 });

export class PageErrorCounter {
  private readonly counts = new Map<string, { model: string; version: string; codes: Map<string, number> }>();

  count(model: string, version: string, code: string): void {
    const key = `${model}\u0000${version}`;
    let entry = this.counts.get(key);
    if (!entry) this.counts.set(key, (entry = { model, version, codes: new Map() }));
    entry.codes.set(code, (entry.codes.get(code) ?? 0) + 1);
  }

  mergeInto(snapshot: MetricsSnapshot): MetricsSnapshot {
    const models: ModelMetrics[] = snapshot.models.map((m) => ({ ...m, errors: { ...m.errors } }));
    for (const { model, version, codes } of this.counts.values()) {
      let target = models.find((m) => m.model === model && m.version === version);
      if (!target) {
        target = {
          model,
          version,
          calls: 0,
          errors: {},
          queueSeconds: emptyHistogram(),
          computeSeconds: emptyHistogram(),
          batchSize: emptyHistogram(),
          cacheHits: 0,
          cacheMisses: 0,
          bytesDownloaded: 0,
          sharedMemoryCalls: 0,
        };
        models.push(target);
      }
      for (const [code, n] of codes) {
        target.errors[code] = (target.errors[code] ?? 0) + n;
        target.calls += n;
      }
    }
    return { ...snapshot, models };
  }
}
