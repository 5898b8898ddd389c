/** Sampling the browser's RSS while something runs: its peak, and a steady level. */
import { median } from '../../src/stats.js';
import { browserTree, type ProcessRss } from './proc-rss.js';

const tree = browserTree();
const browserRss = () => tree.rss();
/** The browser's processes now, each with its resident bytes. */
export const browserProcesses = (): ProcessRss[] => tree.processes();

/** A load's RSS over time (`--trace`): where its peak fell, and which processes held it. */
export interface RssTrace {
  /** [ms since the watch began, bytes] for every sample. */
  points: [number, number][];
  peakAtMs: number;
  /** Each process at the peak sample, largest first. */
  atPeak: ProcessRss[];
}

export interface RssWatch {
  /** Stops sampling; the highest sample seen (bytes), how many samples were taken, and the trace if asked for. */
  stop(): { peak: number; samples: number; trace?: RssTrace };
}

/**
 * Samples every `everyMs` (~50 ms) until stopped. With `trace`, each sample is read process by
 * process (`readProcesses`; the same statm files, so it costs no more) and kept.
 */
export function watchRss(everyMs = 50, read: () => number = () => browserRss(), trace?: { readProcesses: () => ProcessRss[] } | true): RssWatch {
  const readProcesses = trace === true ? browserProcesses : trace?.readProcesses;
  const started = performance.now();
  const points: [number, number][] = [];
  let atPeak: ProcessRss[] = [];
  let peakAtMs = 0;
  let peak = Number.NEGATIVE_INFINITY;
  let samples = 0;
  const sample = () => {
    const at = performance.now() - started;
    const processes = readProcesses?.();
    const bytes = processes ? processes.reduce((n, p) => n + p.bytes, 0) : read();
    samples++;
    if (processes) points.push([Math.round(at), bytes]);
    if (bytes > peak) {
      peak = bytes;
      peakAtMs = at;
      if (processes) atPeak = processes;
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        peak,
        samples,
        ...(readProcesses ? { trace: { points, peakAtMs: Math.round(peakAtMs), atPeak: [...atPeak].sort((a, b) => b.bytes - a.bytes) } } : {}),
      };
    },
  };
}

/** A level, not a spike: the median of `n` samples `everyMs` apart. */
export async function steadyRss(n = 5, everyMs = 100, read: () => number = () => browserRss()): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(read());
    if (i < n - 1) await new Promise((r) => setTimeout(r, everyMs));
  }
  return median(xs);
}
