/**
 * The page Playwright drives. Node (bench/run.ts) calls these steps with page.evaluate, in an
 * order that lets it clear the HTTP cache or open a fresh page between them; the sides started
 * here stay alive between steps so steady-state runs use the sessions the start figures measured.
 */
import type { Precision } from '../../src/index.js';
import type { CellSpec, MemoryFigures, SideInfo, StartFigures } from '../lib/cell.js';
import { batchingThroughput } from './batching.js';
import { breakdown, rpcFloor, type BreakdownVariant } from './breakdown.js';
import { variantUrls } from './manifest-urls.js';
import { measureMemory, measureMemoryRaw } from './memory.js';
import { ocrCompare } from './ocr-compare.js';
import { precisionPair } from './precision-pair.js';
import { precisionSet } from './precision-set.js';
import { alternateAll, type Side } from './side.js';
import { startEdgeserve, type EdgeserveSide } from './side-edgeserve.js';
import { noChannelWorkerFactory } from './no-channel-worker.js';
import { startOrt } from './side-ort.js';
import { startOrtWorker } from './side-ort-worker.js';
import { startTfjs, TFJS_IDB_KEY } from './side-tfjs.js';
import { startTfjsWorker } from './side-tfjs-worker.js';

export const STORE = 'edgeserve-bench';
const state: { es?: EdgeserveSide; bare?: Side; bareWorker?: Side } = {};

interface Step {
  info: SideInfo;
  start: StartFigures;
}

const isTfjs = (spec: CellSpec) => spec.model === 'nsfw-mobilenet';

async function bareUrl(spec: CellSpec): Promise<string> {
  const version = state.es?.model.info().version;
  return (await variantUrls(spec.model, spec.precision, version))[0]!;
}

const bench = {
  /** edgeserve's first start: nothing in IndexedDB (fresh browser context), HTTP cache cleared by Node. */
  async edgeserveStart(spec: CellSpec): Promise<Step> {
    await state.es?.dispose();
    const { side, start } = await startEdgeserve(spec, { storeName: STORE });
    state.es = side;
    return { info: side.info, start };
  },

  /** The bare engine's start from `source`: 'network' / 'http' load the URL, 'idb' tfjs's own store. */
  async bareStart(spec: CellSpec, source: 'network' | 'http' | 'idb'): Promise<Step> {
    await state.bare?.dispose();
    const url = await bareUrl(spec);
    const started = isTfjs(spec) ? await startTfjs(spec, source === 'idb' ? TFJS_IDB_KEY : url, source === 'network') : await startOrt(spec, url);
    state.bare = started.side;
    return { info: started.side.info, start: started.start };
  },

  /**
   * The engine alone in a new worker (side-ort-worker.ts, side-tfjs-worker.ts): the start-up floor
   * of a worker-based runtime. tfjs: `source` 'network' on a cold visit, 'idb' (its own store) warm.
   */
  async bareWorkerStart(spec: CellSpec, source: 'network' | 'idb' = 'network'): Promise<Step> {
    await state.bareWorker?.dispose();
    const url = await bareUrl(spec);
    const started = isTfjs(spec) ? await startTfjsWorker(spec, url, source) : await startOrtWorker(spec, url);
    state.bareWorker = started.side;
    return { info: started.side.info, start: started.start };
  },

  /**
   * Both sides alternate call by call; on ONNX WASM cells a third, bare onnxruntime-web in a
   * worker of its own (side-ort-worker.ts), shows what leaving the page's thread costs by itself.
   */
  async steady(spec: CellSpec): Promise<{ edgeserve: number[]; bare: number[]; bareWorker?: number[] }> {
    if (!state.es || !state.bare) throw new Error('start both sides first');
    const worker = spec.backend !== 'webgpu' && !isTfjs(spec) ? (await startOrtWorker(spec, await bareUrl(spec))).side : undefined;
    try {
      const [edgeserve, bare, bareWorker] = await alternateAll([state.es, state.bare, ...(worker ? [worker] : [])], spec.warmup, spec.iterations);
      return { edgeserve: edgeserve!, bare: bare!, ...(bareWorker ? { bareWorker } : {}) };
    } finally {
      await worker?.dispose();
    }
  },

  /**
   * The shared-memory channel's worth (bench/channel-ab.ts): edgeserve with the channel (as
   * shipped) and without it (no-channel-worker.ts), and bare onnxruntime-web, alternated call by
   * call in this page. `onFirst` alternates which edgeserve starts first across contexts.
   */
  async channelAB(spec: CellSpec, onFirst: boolean) {
    const starts = [() => startEdgeserve(spec, { storeName: STORE }), () => startEdgeserve(spec, { storeName: STORE, workerFactory: noChannelWorkerFactory })];
    const [first, second] = onFirst ? starts : [starts[1]!, starts[0]!];
    const a = (await first!()).side;
    const b = (await second!()).side;
    const [on, off] = onFirst ? [a, b] : [b, a];
    const bare = (await startOrt(spec, await variantUrls(spec.model, spec.precision, on.model.info().version).then((u) => u[0]!))).side;
    try {
      const [onMs, offMs, bareMs] = await alternateAll([on, off, bare], spec.warmup, spec.iterations);
      const shared = async (side: EdgeserveSide) => {
        const m = (await side.runtime.metrics()).models.find((x) => x.model === spec.model);
        return { calls: m?.calls ?? 0, shared: m?.sharedMemoryCalls ?? 0 };
      };
      return { on: onMs!, off: offMs!, bare: bareMs!, onCounts: await shared(on), offCounts: await shared(off), threads: on.info.threads };
    } finally {
      await on.dispose();
      await off.dispose();
      await bare.dispose();
    }
  },

  memory: (): Promise<MemoryFigures | undefined> => measureMemory(),
  memoryRaw: measureMemoryRaw,

  async rpcFloor(n: number) {
    if (!state.es) throw new Error('start edgeserve first');
    return rpcFloor(state.es, n);
  },

  breakdown: (spec: CellSpec, n: number, variant: BreakdownVariant) => breakdown(spec, STORE, n, variant),
  precisionPair: (spec: CellSpec) => precisionPair(spec, STORE),
  precisionSet: (spec: CellSpec, precisions: Precision[]) => precisionSet(spec, precisions, STORE),
  batching: (spec: CellSpec, concurrency: number, rounds: number) => batchingThroughput(spec, STORE, concurrency, rounds),
  ocrCompare: (repeats: number) => ocrCompare(repeats, STORE),

  async dispose(): Promise<void> {
    await state.es?.dispose();
    await state.bare?.dispose();
    await state.bareWorker?.dispose();
    delete state.es;
    delete state.bare;
    delete state.bareWorker;
  },

  environment: async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    const info = adapter?.info;
    return {
      userAgent: navigator.userAgent,
      crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      adapter: info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown' : 'none',
      fallbackAdapter: (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? false,
    };
  },
};

export type BenchPage = typeof bench;
declare global {
  interface Window {
    bench: BenchPage;
  }
}
window.bench = bench;
document.getElementById('status')!.textContent = 'ready';
