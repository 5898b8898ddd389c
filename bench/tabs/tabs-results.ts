/** What one tabs run records (written as JSON; the tables are rendered from it). */
import type { TabLoad } from '../pages/tabs-page.js';

/** A tab's load as kept: the page's answer without the output values (checked, then dropped). */
export type TabRecord = Omit<TabLoad, 'y'> & { maxAbsDiff?: number };

/** Memory: `tabs` pages of one fresh browser load the 256 MB model one after the other. */
export interface MemorySample {
  host: 'shared' | 'page';
  tabs: number;
  /** 1-based sample number (its fresh browser). */
  sample: number;
  ok: boolean;
  error?: string;
  /** Browser RSS (bytes, sum over its process tree): with every tab open and idle, peak over the loads, settled 3 s after. */
  idleBytes: number;
  peakBytes?: number;
  settledBytes?: number;
  /** Each tab's load, in order (tab 1 downloads; later tabs join the shared session or read the store). */
  loads: TabRecord[];
}

/** Steady predicts: in tab 2 of one fresh browser, each side's runtime answers `n` alternated calls. */
export interface SteadySample {
  /** `isolated`: pages served with COOP/COEP (page workers get WASM threads); `not isolated`: the same pages without those headers. */
  setting: 'isolated' | 'not isolated';
  model: string;
  sample: number;
  ok: boolean;
  error?: string;
  /** `host`: the medians its host counted for the model (ms queued, ms in the engine), this tab's calls and the others'. */
  sides: { side: string; load: TabRecord; ms: number[]; host?: { queue: number; compute: number } }[];
}

export interface TabsResults {
  date: string;
  command: string;
  durationS: number;
  environment: { browser: string; cores: number; memTotalMb: number; loadAverage: number[]; loadAverageEnd?: number[]; commit: string };
  settings: { samples: number; tabs: number; iterations: number; warmup: number; models: string[]; parts: string[] };
  /** The big model's id and bytes. */
  big: { id: string; bytes: number };
  memory: MemorySample[];
  steady: SteadySample[];
}
