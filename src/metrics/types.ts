/** The metrics snapshot: plain data that crosses the worker boundary and feeds the Prometheus text. */

export interface HistogramSnapshot {
  /** Upper bounds of the buckets (Prometheus `le`), ascending; +Inf is implied. */
  buckets: number[];
  /** Cumulative counts per bucket, as Prometheus wants them. */
  cumulative: number[];
  count: number;
  sum: number;
  /** From the most recent samples (up to 2048), exact rather than bucket-interpolated. */
  p50: number;
  p95: number;
  p99: number;
}

export interface ModelMetrics {
  model: string;
  version: string;
  calls: number;
  errors: Record<string, number>;
  /** Seconds waiting in the model's queue (batching included). */
  queueSeconds: HistogramSnapshot;
  /** Seconds in the engine, for the batch the call ran in. */
  computeSeconds: HistogramSnapshot;
  /** Calls merged into each engine run. */
  batchSize: HistogramSnapshot;
  cacheHits: number;
  cacheMisses: number;
  bytesDownloaded: number;
  /** Calls that came through the shared-memory channel (cross-origin isolated pages), not postMessage. */
  sharedMemoryCalls: number;
}

export interface MetricsSnapshot {
  takenAt: number;
  models: ModelMetrics[];
  /**
   * Set when a shared host serves this page (createRuntime({ host: 'shared' })): `models` are
   * then this page's own calls and errors, and `total` is everything the host counted — every
   * page's calls, the loads, downloads, cache hits and batch sizes.
   */
  shared?: { pages: number; total: MetricsSnapshot };
}
