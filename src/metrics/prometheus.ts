/**
 * The Prometheus text exposition format (version 0.0.4), so an app can ship a device's metrics
 * to the collectors it already runs (a Pushgateway, an OpenTelemetry collector, its own API).
 */
import type { HistogramSnapshot, MetricsSnapshot } from './types.js';

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
const num = (value: number) => (Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : '-Inf');

function histogram(name: string, base: Record<string, string>, h: HistogramSnapshot): string[] {
  return [
    ...h.buckets.map((le, i) => `${name}_bucket${labels({ ...base, le: num(le) })} ${h.cumulative[i]}`),
    `${name}_bucket${labels({ ...base, le: '+Inf' })} ${h.count}`,
    `${name}_sum${labels(base)} ${num(h.sum)}`,
    `${name}_count${labels(base)} ${h.count}`,
  ];
}

export function toPrometheus(snapshot: MetricsSnapshot, prefix = 'edgeserve'): string {
  const lines: string[] = [];
  const family = (name: string, type: 'counter' | 'histogram', help: string, body: string[]) => {
    lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`, ...body);
  };
  const each = <T>(pick: (m: MetricsSnapshot['models'][number], base: Record<string, string>) => T[]) =>
    snapshot.models.flatMap((m) => pick(m, { model: m.model, version: m.version }));

  family(
    'predict_calls_total',
    'counter',
    'Predict calls, failed ones included.',
    each((m, b) => [`${prefix}_predict_calls_total${labels(b)} ${m.calls}`]),
  );
  family(
    'predict_errors_total',
    'counter',
    'Failed predict calls by error code.',
    each((m, b) => Object.entries(m.errors).map(([code, n]) => `${prefix}_predict_errors_total${labels({ ...b, code })} ${n}`)),
  );
  family(
    'predict_queue_seconds',
    'histogram',
    'Time a call waited in its model queue.',
    each((m, b) => histogram(`${prefix}_predict_queue_seconds`, b, m.queueSeconds)),
  );
  family(
    'predict_compute_seconds',
    'histogram',
    'Engine time of the run a call was part of.',
    each((m, b) => histogram(`${prefix}_predict_compute_seconds`, b, m.computeSeconds)),
  );
  family(
    'batch_size',
    'histogram',
    'Calls merged into one engine run.',
    each((m, b) => histogram(`${prefix}_batch_size`, b, m.batchSize)),
  );
  family(
    'cache_hits_total',
    'counter',
    'Loads served from the IndexedDB store.',
    each((m, b) => [`${prefix}_cache_hits_total${labels(b)} ${m.cacheHits}`]),
  );
  family(
    'shared_memory_calls_total',
    'counter',
    'Predict calls that came through the shared-memory channel instead of postMessage.',
    each((m, b) => [`${prefix}_shared_memory_calls_total${labels(b)} ${m.sharedMemoryCalls}`]),
  );
  family(
    'cache_misses_total',
    'counter',
    'Loads that had to download.',
    each((m, b) => [`${prefix}_cache_misses_total${labels(b)} ${m.cacheMisses}`]),
  );
  family(
    'download_bytes_total',
    'counter',
    'Model bytes downloaded.',
    each((m, b) => [`${prefix}_download_bytes_total${labels(b)} ${m.bytesDownloaded}`]),
  );
  return `${lines.join('\n')}\n`;
}
