/** edgeserve through its public API, exactly as an app calls it. */
import { inputsFor } from '../../test/fixtures/inputs.js';
// Internal (not on the public API): the bench wraps the default worker to keep hold of it (ping, timings).
import { defaultWorkerFactory } from '../../src/client/default-worker.js';
import { createRuntime, type LoadOptions, type Model, type Runtime, type WorkerFactory } from '../../src/index.js';
import type { CellSpec } from '../lib/cell.js';
import { cloneInputs, threadsFor, type Side, type Started } from './side.js';

export interface EdgeserveSide extends Side {
  runtime: Runtime;
  model: Model;
  /** The runtime's own worker, captured through workerFactory (for ping and timings). */
  worker: Worker;
}

export interface EdgeserveOptions {
  storeName: string;
  workerFactory?: WorkerFactory;
  /** Extra load options (e.g. `batching`, which the runtime may not know yet). */
  loadExtras?: Record<string, unknown>;
}

export async function startEdgeserve(spec: CellSpec, options: EdgeserveOptions): Promise<Started<EdgeserveSide>> {
  const template = inputsFor[spec.model]!();
  const first = cloneInputs(template);
  let worker: Worker | undefined;
  const spawn = options.workerFactory ?? defaultWorkerFactory;
  const t0 = performance.now();
  const runtime = createRuntime({
    backend: spec.backend === 'webgpu' ? 'webgpu' : 'wasm',
    wasmThreads: threadsFor(spec.backend),
    storeName: options.storeName,
    workerFactory: (name) => (worker = spawn(name)),
  });
  const phases: Record<string, number> = {};
  const onProgress = (p: { phase: string }) => {
    phases[p.phase] ??= Math.round(performance.now() - t0);
  };
  const model = await runtime.load(spec.model, { precision: spec.precision, onProgress, ...options.loadExtras } as LoadOptions);
  const t1 = performance.now();
  await model.predict(first);
  const t2 = performance.now();
  const info = model.info();
  const side: EdgeserveSide = {
    runtime,
    model,
    worker: worker!,
    info: {
      backend: info.backend,
      threads: info.wasmThreads,
      bytes: info.bytes,
      fromCache: info.fromCache,
      ...(info.fallback ? { fallback: info.fallback.reason } : {}),
    },
    async once() {
      const inputs = cloneInputs(template);
      const started = performance.now();
      await model.predict(inputs);
      return performance.now() - started;
    },
    async dispose() {
      await model.dispose();
      runtime.dispose();
    },
  };
  return { side, start: { loadMs: t1 - t0, firstRunMs: t2 - t1, ttfpMs: t2 - t0, phases } };
}
