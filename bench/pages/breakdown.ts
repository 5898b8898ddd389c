/**
 * Where edgeserve's per-call time goes. Runs predict through the public API on a clocked copy of
 * the runtime worker (timed-runtime.worker.ts) and splits each call into legs:
 * page → host (page wrappers, Comlink, postMessage, worker queueing), host before the engine
 * (input check, per-model queue), the engine run, host after the engine, host → page.
 * Also the RPC floor: `ping()` on the runtime's own worker through a second Comlink wrap.
 */
import { transfer, wrap } from 'comlink';
import { inputsFor } from '../../test/fixtures/inputs.js';
import type { WorkerApi } from '../../src/protocol.js';
import { tensorBuffers } from '../../src/protocol.js';
import { summarize, type Summary } from '../lib/stats.js';
import type { CellSpec } from '../lib/cell.js';
import { variantUrls } from './manifest-urls.js';
import { cloneInputs } from './side.js';
import { startEdgeserve, type EdgeserveSide } from './side-edgeserve.js';
import { startOrt } from './side-ort.js';
import type { HostTiming } from './timed-host.js';

export interface Breakdown {
  variant: BreakdownVariant;
  calls: number;
  total: Summary;
  pageToHost: Summary;
  hostBeforeEngine: Summary;
  engine: Summary;
  hostAfterEngine: Summary;
  hostToPage: Summary;
  /** Comlink predict straight on the worker, without the page-side Model/WorkerLink wrappers. */
  directComlink: Summary;
  /** Bare onnxruntime-web in the page on the same input, calls alternating with edgeserve's. */
  bare: Summary;
  /** Per call: total − engine run, i.e. everything edgeserve adds around the engine. */
  ownCost: Summary;
}

const epoch = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export type BreakdownVariant = 'as-shipped' | 'no-spin';
// Two literal `new URL(…, import.meta.url)` so Vite bundles both workers.
const factories: Record<BreakdownVariant, (name: string) => Worker> = {
  'as-shipped': (name) => new Worker(new URL('./timed-runtime.worker.ts', import.meta.url), { type: 'module', name }),
  'no-spin': (name) => new Worker(new URL('./timed-nospin.worker.ts', import.meta.url), { type: 'module', name }),
};

export interface RpcFloor {
  /** Pings back to back: both threads awake. */
  hot: Summary;
  /** Pings 10 ms apart, as the bench's predicts are: each hop must wake a sleeping thread. */
  idle: Summary;
}

export async function rpcFloor(side: EdgeserveSide, n: number): Promise<RpcFloor> {
  const api = wrap<WorkerApi>(side.worker);
  for (let i = 0; i < 5; i++) await api.ping();
  const time = async () => {
    const t = performance.now();
    await api.ping();
    return performance.now() - t;
  };
  const hot: number[] = [];
  for (let i = 0; i < n; i++) hot.push(await time());
  const idle: number[] = [];
  for (let i = 0; i < Math.min(n, 50); i++) {
    await pause(10);
    idle.push(await time());
  }
  return { hot: summarize(hot), idle: summarize(idle) };
}

export async function breakdown(spec: CellSpec, storeName: string, n: number, variant: BreakdownVariant = 'as-shipped'): Promise<Breakdown> {
  const { side } = await startEdgeserve(spec, { storeName, workerFactory: factories[variant] });
  const bare = (await startOrt(spec, (await variantUrls(spec.model, spec.precision, side.model.info().version))[0]!)).side;
  const timingsApi = wrap<{ benchTimings(): HostTiming[] }>(side.worker);
  const template = inputsFor[spec.model]!();
  try {
    for (let i = 0; i < spec.warmup; i++) await side.once(), await bare.once();
    await timingsApi.benchTimings();
    const page: { send: number; recv: number }[] = [];
    const bareSamples: number[] = [];
    for (let i = 0; i < n; i++) {
      const inputs = cloneInputs(template);
      // Pauses let the other engine's ORT threads stop spinning before a timed call (see side.ts).
      await pause(10);
      const send = epoch();
      await side.model.predict(inputs);
      page.push({ send, recv: epoch() });
      await pause(10);
      bareSamples.push(await bare.once());
    }
    const host = await timingsApi.benchTimings();
    const legs = page.map((p, i) => ({ p, h: host[i]! }));
    // The same predict through Comlink alone: what the page-side wrappers add is the difference.
    const api = wrap<WorkerApi>(side.worker);
    const handle = side.model.info().handle;
    const direct: number[] = [];
    for (let i = 0; i < n; i++) {
      const inputs = cloneInputs(template);
      await pause(10);
      const t = performance.now();
      await api.predict(handle, transfer(inputs, tensorBuffers(inputs)));
      direct.push(performance.now() - t);
      await pause(10);
    }
    return {
      variant,
      calls: n,
      total: summarize(legs.map(({ p }) => p.recv - p.send)),
      pageToHost: summarize(legs.map(({ p, h }) => h.hostIn - p.send)),
      hostBeforeEngine: summarize(legs.map(({ h }) => h.engineIn - h.hostIn)),
      engine: summarize(legs.map(({ h }) => h.engineOut - h.engineIn)),
      hostAfterEngine: summarize(legs.map(({ h }) => h.hostOut - h.engineOut)),
      hostToPage: summarize(legs.map(({ p, h }) => p.recv - h.hostOut)),
      directComlink: summarize(direct),
      bare: summarize(bareSamples),
      ownCost: summarize(legs.map(({ p, h }) => p.recv - p.send - (h.engineOut - h.engineIn))),
    };
  } finally {
    await bare.dispose();
    await side.dispose();
  }
}
