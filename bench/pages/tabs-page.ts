/**
 * The tabs bench's page (bench/tabs/run-tabs.ts drives several of it in one browser): runtimes
 * made through the public API with a given host ('shared' or 'page'), a model loaded into each
 * and answered once (timed from the load call), then steady predicts alternated call by call
 * between the runtimes of this page. Node samples the browser's memory meanwhile.
 */
import { inputsFor } from '../../test/fixtures/inputs.js';
import { createRuntime, type Model, type Runtime, type TensorMap } from '../../src/index.js';
import { inputPattern } from '../scale/model-spec.js';
import { alternateAll, cloneInputs, type Side } from './side.js';

export interface TabOpen {
  /** This runtime's name in the page. */
  key: string;
  host: 'shared' | 'page';
  /** WASM threads asked for (absent: the runtime's default; a shared host runs one whatever is asked). */
  threads?: number;
  storeName: string;
  manifestUrl?: string;
  model: string;
  /** A scale model's k (its input is inputPattern(k)); else the model's fixture input. */
  k?: number;
}

export interface TabLoad {
  /** From the load call to the model being ready, and to its first answer. */
  loadMs: number;
  firstAnswerMs: number;
  /** The load's progress phases, ms from the call to each one's first event (none when it joined a session). */
  phases: Record<string, number>;
  /** The first answer's first output (scale models: checked in Node). */
  y?: number[];
  fromCache: boolean;
  wasmThreads: number;
  handle: string;
  host: string;
  reason: string;
  crossOriginIsolated: boolean;
  /** The shared host's own count: pages, sessions opened, loads joined. */
  shared?: { pages: number; sessionsOpened: number; loadsJoined: number };
  /** The host's loads that read the store or the network (cache hits + misses), for this model. */
  reads?: number;
}

interface Open {
  runtime: Runtime;
  model: Model;
  input: () => TensorMap;
}

const opened = new Map<string, Open>();

async function hostFigures(o: Open, id: string): Promise<Pick<TabLoad, 'host' | 'reason' | 'shared' | 'reads'>> {
  const info = await o.runtime.info();
  const metrics = await o.runtime.metrics();
  const own = (metrics.shared?.total ?? metrics).models.find((m) => m.model === id);
  return {
    host: info.host,
    reason: info.reason,
    ...(info.shared ? { shared: { pages: info.shared.pages, sessionsOpened: info.shared.sessionsOpened, loadsJoined: info.shared.loadsJoined } } : {}),
    ...(own ? { reads: own.cacheHits + own.cacheMisses } : {}),
  };
}

const tabs = {
  async open(o: TabOpen): Promise<TabLoad> {
    const template = o.k !== undefined ? { x: { dtype: 'float32' as const, dims: [1, o.k], data: inputPattern(o.k) } } : inputsFor[o.model]!();
    const input = () => cloneInputs(template);
    const phases: Record<string, number> = {};
    const t0 = performance.now();
    const runtime = createRuntime({
      host: o.host,
      backend: 'wasm',
      ...(o.threads !== undefined ? { wasmThreads: o.threads } : {}),
      storeName: o.storeName,
      ...(o.manifestUrl ? { manifestUrl: o.manifestUrl } : {}),
      // On a machine at load 30 a warm ocr-rec run took over the default 5 s floor and the
      // watchdog ended a live worker: that sample measured the machine, not the host.
      watchdog: { warmFloorMs: 60_000 },
    });
    const model = await runtime.load(o.model, { precision: 'fp32', onProgress: (p) => void (phases[p.phase] ??= Math.round(performance.now() - t0)) });
    const t1 = performance.now();
    const out = await model.predict(input());
    const t2 = performance.now();
    const entry = { runtime, model, input };
    opened.set(o.key, entry);
    const info = model.info();
    const first = Object.values(out)[0]!;
    return {
      loadMs: t1 - t0,
      firstAnswerMs: t2 - t0,
      phases,
      ...(o.k !== undefined ? { y: Array.from(first.data as Float32Array) } : {}),
      fromCache: info.fromCache,
      wasmThreads: info.wasmThreads,
      handle: info.handle,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      ...(await hostFigures(entry, o.model)),
    };
  },

  /** Steady predicts: `warmup` untimed, then `n` timed per runtime, alternated call by call (ABC CBA …). */
  async steady(keys: string[], warmup: number, n: number): Promise<number[][]> {
    const sides: Side[] = keys.map((key) => {
      const o = opened.get(key)!;
      return {
        info: { backend: 'wasm', threads: 0, bytes: 0 },
        async once() {
          const inputs = o.input();
          const started = performance.now();
          await o.model.predict(inputs);
          return performance.now() - started;
        },
        dispose: async () => undefined,
      };
    });
    return alternateAll(sides, warmup, n);
  },

  /** Each runtime's own medians for this model: ms queued and ms in the engine, as its host counted them. */
  async hostMs(keys: string[], model: string): Promise<{ queue: number; compute: number }[]> {
    return Promise.all(
      keys.map(async (key) => {
        const m = (await opened.get(key)!.runtime.metrics()).models.find((x) => x.model === model)!;
        return { queue: m.queueSeconds.p50 * 1000, compute: m.computeSeconds.p50 * 1000 };
      }),
    );
  },

  async dispose(): Promise<void> {
    for (const o of opened.values()) {
      await o.model.dispose().catch(() => undefined);
      o.runtime.dispose();
    }
    opened.clear();
  },
};

export type TabsPage = typeof tabs;
declare global {
  interface Window {
    tabs: TabsPage;
  }
}
window.tabs = tabs;
document.getElementById('status')!.textContent = 'ready';
