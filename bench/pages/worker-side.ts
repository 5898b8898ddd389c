/**
 * An engine alone in a dedicated worker, as a bench side (side-ort-worker.ts, side-tfjs-worker.ts):
 * one postMessage each way a call, inputs transferred; started and timed like the other sides
 * (start → first prediction), with the phases the worker reports (runtime ready, session open).
 */
import { inputsFor } from '../../test/fixtures/inputs.js';
import { tensorBuffers, type TensorMap } from '../../src/protocol.js';
import type { CellSpec, SideInfo } from '../lib/cell.js';
import type { BareWorkerStarted } from './bare-ort.worker.js';
import { cloneInputs, type Started } from './side.js';

type Reply = { ok: boolean; error?: string; started?: BareWorkerStarted };

/** Asks the worker one thing at a time and waits for its answer. */
export type AskWorker = (request: object, transfer?: Transferable[]) => Promise<Reply>;

export interface WorkerSideOptions {
  /** Makes the worker (the `new URL(…, import.meta.url)` must stay at the caller, for the bundler). */
  spawn: () => Worker;
  /** The init request; the worker answers it with `started`. */
  init: object;
  info: SideInfo;
  /** Untimed work after the first prediction (tfjs keeps its model in its own store). */
  after?: (ask: AskWorker) => Promise<unknown>;
}

export async function startWorkerSide(spec: CellSpec, options: WorkerSideOptions): Promise<Started> {
  const t0 = performance.now();
  const sinceT0 = (epochMs: number) => Math.round(epochMs - performance.timeOrigin - t0);
  const worker = options.spawn();
  const ask: AskWorker = (request, transfer = []) =>
    new Promise<Reply>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<Reply>) => (event.data.ok ? resolve(event.data) : reject(new Error(event.data.error)));
      worker.postMessage(request, transfer);
    });
  const { started } = await ask(options.init);
  const t1 = performance.now();
  const template = inputsFor[spec.model]!();
  const once = async () => {
    const inputs: TensorMap = cloneInputs(template);
    const begun = performance.now();
    await ask({ type: 'run', inputs }, tensorBuffers(inputs));
    return performance.now() - begun;
  };
  const firstRunMs = await once();
  await options.after?.(ask);
  return {
    side: { info: options.info, once, dispose: async () => worker.terminate() },
    start: {
      loadMs: t1 - t0,
      firstRunMs,
      ttfpMs: t1 - t0 + firstRunMs,
      ...(started ? { phases: { runtime: sinceT0(started.runtimeAt), session: sinceT0(started.sessionAt) } } : {}),
    },
  };
}
