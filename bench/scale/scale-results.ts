/** What one scale run records (written as JSON; the table is rendered from it). */
import type { ProcessRss } from './proc-rss.js';
import type { RssTrace } from './rss-sampler.js';

/** A row of the table: a way of loading the model. */
export type ScaleSide = 'edgeserve cold' | 'edgeserve warm' | 'edgeserve ext cold' | 'edgeserve ext warm' | 'bare' | 'bare ext';

export interface ScaleSample {
  side: ScaleSide;
  /** 1-based sample number (its fresh browser). */
  sample: number;
  ok: boolean;
  /** Why it failed (the page's error, a crash, a timeout, a wrong answer). */
  error?: string;
  loadMs?: number;
  /** edgeserve: ms from the load call to each progress phase's first event, and to the download's last (`download end`). */
  phases?: Record<string, number>;
  /** edgeserve: ms from the load call until the store had the model (the visit waits for it before it measures settled memory). */
  storedMs?: number;
  firstPredictMs?: number;
  /** Largest |y − expected|: 0 when right (the expected values are exact in fp32). */
  maxAbsDiff?: number;
  /** edgeserve: whether the model came from its store. */
  fromCache?: boolean;
  /** Browser RSS (bytes, sum over its process tree): idle just before, peak during, settled after. */
  idleBytes: number;
  peakBytes?: number;
  settledBytes?: number;
  /** RSS samples taken during the load (~every 50 ms). */
  rssSamples?: number;
  /** `--trace`: the load's RSS over time, and each process at idle and at the peak. */
  rssTrace?: RssTrace & { idle: ProcessRss[] };
}

export interface ScaleSize {
  id: string;
  mib: number;
  /** Bytes of the single-file model (the weights plus a few hundred bytes of graph). */
  modelBytes: number;
  samples: ScaleSample[];
}

export interface ScaleResults {
  date: string;
  command: string;
  durationS: number;
  environment: { browser: string; cores: number; memTotalMb: number; loadAverage: number[]; commit: string };
  settings: { samples: number; threads: number; sizes: number[]; sides: string[] };
  /** Sizes whose external-data variant `edgeserve pack` recorded in full. */
  packedExternal: string[];
  sizes: ScaleSize[];
}
