/**
 * Cold and warm start samples for one cell, fairly: every sample of a side runs in a browser on
 * a new, empty profile (no HTTP cache, no code cache, no IndexedDB); the cold visit is that
 * profile's first page, the warm visit a new page in the same profile afterwards (edgeserve from
 * IndexedDB, the bare engine from the HTTP cache, tfjs also from its `indexeddb://`), after the
 * cold page stayed open a few seconds (COLD_DWELL_MS). The side that goes first rotates sample
 * by sample, so drift in machine load hits all alike.
 *
 * WASM cells have a third side, the engine alone in a new worker (onnxruntime-web from the HTTP
 * cache when warm; TensorFlow.js from its own `indexeddb://`): the start-up floor of any
 * worker-based runtime, with its runtime and session (tfjs: model) timed.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { openBench, step } from './bench-page.js';
import { launchFresh, type LaunchMode } from './browser.js';
import type { CellSpec, StartFigures } from './cell.js';
import { summarize, type Summary } from './stats.js';

export type StartSide = 'edgeserve' | 'bare' | 'bare worker';

/** Pause after a visit's page closes, before the next visit (see visit()). */
const SETTLE_MS = 2000;

/**
 * How long a cold (first) visit stays open after its first prediction, both sides alike. A real
 * first visit lasts longer than its first prediction, and Chromium writes V8's code cache for a
 * streamed `.wasm` only once enough of it has been optimised: closed at once, neither side's
 * returning visit finds it (measured: silero-vad's first warm prediction 80–165 ms with no
 * dwell, ~10 ms after 3 s).
 */
const COLD_DWELL_MS = 3000;

export interface StartSamples {
  /** Which side ran first in each sample. */
  order: StartSide[];
  edgeserve: { cold: StartFigures[]; warm: StartFigures[] };
  bare: { cold: StartFigures[]; warmHttp: StartFigures[]; warmIdb?: StartFigures[] };
  /** WASM cells: the engine alone in a new worker (bare-ort.worker.ts, bare-tfjs.worker.ts). */
  bareWorker?: { cold: StartFigures[]; warm: StartFigures[] };
  /** Samples that failed, with why (a cell's figures use the samples that did not). */
  failures: string[];
  /** Engine or model files a warm visit fetched from the server again: a cache not hit. */
  refetched?: string[];
}

export interface StartFiguresSummary {
  esCold: Summary;
  esWarm: Summary;
  bareCold: Summary;
  bareWarmHttp: Summary;
  bareWarmIdb?: Summary;
  bareWorkerCold?: Summary;
  bareWorkerWarm?: Summary;
  /** Ratios of medians (ttfp: load call → first prediction's result). */
  coldRatio: number;
  warmVsBareHttp: number;
  warmVsTfjsIdb?: number;
  warmVsBareWorker?: number;
  /** A warm start slower than its own side's cold start means the harness is wrong, not the code. */
  suspect: string[];
  /** Fewer than MIN_SAMPLES on a side: the medians are not figures. */
  tooFew: boolean;
}

/** Below this many samples a side, a start-up median is not a figure. */
const MIN_SAMPLES = 5;

async function visit<T>(context: BrowserContext, baseUrl: string, threads: number, log: (l: string) => void, work: (page: Page) => Promise<T>, dwellMs = 0): Promise<T> {
  const page = await openBench(context, baseUrl, threads, log);
  try {
    const out = await work(page);
    await page.waitForTimeout(dwellMs);
    await step(page, 'dispose');
    return out;
  } finally {
    await page.close();
    // A returning visitor comes back later, not while the last page's renderer, worker and
    // engine threads are still being torn down (and its caches written) on the same cores.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }
}

export async function runStarts(
  mode: LaunchMode,
  baseUrl: string,
  spec: CellSpec,
  threads: number,
  samples: number,
  log: (line: string) => void,
  /** The server's request counts by path, to prove the warm visits were served from caches. */
  served?: ReadonlyMap<string, number>,
): Promise<StartSamples> {
  const tfjs = spec.model === 'nsfw-mobilenet';
  const withWorker = spec.backend !== 'webgpu';
  const out: StartSamples = {
    order: [],
    edgeserve: { cold: [], warm: [] },
    bare: { cold: [], warmHttp: [], ...(tfjs ? { warmIdb: [] } : {}) },
    ...(withWorker ? { bareWorker: { cold: [], warm: [] } } : {}),
    failures: [],
    refetched: [],
  };
  const sides: StartSide[] = withWorker ? ['edgeserve', 'bare', 'bare worker'] : ['edgeserve', 'bare'];
  const cached = (path: string) => path.startsWith('/engines/') || /^\/models\/[^/]+\/[^/]+\/.+/.test(path);
  const snapshot = () => new Map([...(served ?? new Map<string, number>())].filter(([p]) => cached(p)));
  /** Runs a warm visit and notes any engine/model file it fetched from the server. */
  const warmVisit = async <T>(side: StartSide, work: () => Promise<T>): Promise<T> => {
    const before = snapshot();
    const result = await work();
    for (const [path, n] of snapshot()) if (n > (before.get(path) ?? 0)) out.refetched!.push(`${side} warm: ${path}`);
    return result;
  };
  for (let i = 0; i < samples; i++) {
    const order = sides.map((_, k) => sides[(i + k) % sides.length]!);
    out.order.push(order[0]!);
    for (const side of order) {
      const fresh = await launchFresh(mode);
      try {
        if (side === 'edgeserve') {
          const cold = await visit(fresh.context, baseUrl, threads, log, (p) => step(p, 'edgeserveStart', spec), COLD_DWELL_MS);
          const warm = await warmVisit(side, () => visit(fresh.context, baseUrl, threads, log, (p) => step(p, 'edgeserveStart', spec)));
          if (!warm.info.fromCache) throw new Error('the warm edgeserve visit did not load from IndexedDB');
          out.edgeserve.cold.push(cold.start);
          out.edgeserve.warm.push(warm.start);
        } else if (side === 'bare') {
          const cold = await visit(fresh.context, baseUrl, threads, log, (p) => step(p, 'bareStart', spec, 'network'), COLD_DWELL_MS);
          const warm = await warmVisit(side, () => visit(fresh.context, baseUrl, threads, log, (p) => step(p, 'bareStart', spec, 'http')));
          out.bare.cold.push(cold.start);
          out.bare.warmHttp.push(warm.start);
          if (tfjs) out.bare.warmIdb!.push((await visit(fresh.context, baseUrl, threads, log, (p) => step(p, 'bareStart', spec, 'idb'))).start);
        } else {
          const cold = await visit(fresh.context, baseUrl, threads, log, (p) => step(p, 'bareWorkerStart', spec), COLD_DWELL_MS);
          const warm = await warmVisit(side, () => visit(fresh.context, baseUrl, threads, log, (p) => step(p, 'bareWorkerStart', spec, tfjs ? 'idb' : 'network')));
          out.bareWorker!.cold.push(cold.start);
          out.bareWorker!.warm.push(warm.start);
        }
      } catch (error) {
        out.failures.push(`${side} sample ${i + 1}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      } finally {
        await fresh.close();
      }
    }
    const worker = out.bareWorker ? `, bare worker ${fmt(out.bareWorker.cold.at(-1))} / ${fmt(out.bareWorker.warm.at(-1))}` : '';
    log(
      `    start sample ${i + 1}/${samples} (${order[0]} first): es ${fmt(out.edgeserve.cold.at(-1))} / ${fmt(out.edgeserve.warm.at(-1))}, bare ${fmt(out.bare.cold.at(-1))} / ${fmt(out.bare.warmHttp.at(-1))}${worker} ms (cold / warm)`,
    );
  }
  return out;
}

const fmt = (s: StartFigures | undefined) => (s ? Math.round(s.ttfpMs).toString() : '–');

export function summarizeStarts(s: StartSamples): StartFiguresSummary {
  const ttfp = (xs: StartFigures[]) => summarize(xs.map((x) => x.ttfpMs));
  const esCold = ttfp(s.edgeserve.cold);
  const esWarm = ttfp(s.edgeserve.warm);
  const bareCold = ttfp(s.bare.cold);
  const bareWarmHttp = ttfp(s.bare.warmHttp);
  const bareWarmIdb = s.bare.warmIdb ? ttfp(s.bare.warmIdb) : undefined;
  const bareWorkerCold = s.bareWorker ? ttfp(s.bareWorker.cold) : undefined;
  const bareWorkerWarm = s.bareWorker ? ttfp(s.bareWorker.warm) : undefined;
  const suspect: string[] = [];
  if (bareWarmHttp.median > bareCold.median) suspect.push('bare: warm (HTTP cache) slower than its own cold start');
  if (esWarm.median > esCold.median) suspect.push('edgeserve: warm (IndexedDB) slower than its own cold start');
  if (bareWarmIdb && bareWarmIdb.median > bareCold.median) suspect.push('tfjs: warm (indexeddb://) slower than its own cold start');
  if (bareWorkerCold && bareWorkerWarm && bareWorkerWarm.median > bareWorkerCold.median) suspect.push('bare worker: warm (HTTP cache) slower than its own cold start');
  if (s.refetched?.length) suspect.push(`warm visits fetched from the server again: ${[...new Set(s.refetched)].join(', ')}`);
  return {
    esCold,
    esWarm,
    bareCold,
    bareWarmHttp,
    ...(bareWarmIdb ? { bareWarmIdb } : {}),
    ...(bareWorkerCold && bareWorkerWarm ? { bareWorkerCold, bareWorkerWarm, warmVsBareWorker: esWarm.median / bareWorkerWarm.median } : {}),
    coldRatio: esCold.median / bareCold.median,
    warmVsBareHttp: esWarm.median / bareWarmHttp.median,
    ...(bareWarmIdb ? { warmVsTfjsIdb: esWarm.median / bareWarmIdb.median } : {}),
    suspect,
    tooFew: Math.min(esCold.n, esWarm.n, bareCold.n, bareWarmHttp.n) < MIN_SAMPLES,
  };
}
