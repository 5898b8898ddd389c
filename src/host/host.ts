/**
 * The worker side of the runtime: the WorkerApi over the host's parts (load, predict through
 * each model's batcher, background upgrades and rollback, metrics, the cache).
 * `workers/runtime.worker.ts` exposes what `createHost` returns.
 */
import { transfer } from 'comlink';
import { AbortedError, EdgeServeError, InferenceFailedError, ModelDisposedError, StorageFailedError, TimeoutError, UnsupportedError, toEdgeServeError } from '../errors.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import { tensorBuffers, type TensorMap, type WorkerApi, type WorkerInit } from '../protocol.js';
import { createHostParts, defaultHostDeps, type HostDeps, type HostParts } from './host-parts.js';
import { checkInputs } from './input-check.js';
import { loadModel } from './load-model.js';
import { checkMemory } from './memory-budget.js';
import { revalidate, rollback } from './upgrade.js';
import { messagesOnly, openWorkerTransport, type WorkerTransport } from './worker-transport.js';

export { defaultHostDeps, type HostDeps } from './host-parts.js';

export function createHost(deps: HostDeps = defaultHostDeps): WorkerApi {
  return createHostCore(deps).api;
}

/**
 * The host and what a shared host (shared-host.ts) builds its per-page facades on: the parts
 * once `init` ran, and the predict path with a second registry that counts one page's calls.
 */
export interface HostCore {
  readonly api: WorkerApi;
  parts(): HostParts;
  predict(handle: string, inputs: TensorMap, callId: string | undefined, also?: MetricsRegistry): Promise<TensorMap>;
}

/** How long predicts must pause before a first visit's engine-file copies are written. */
const SETTLE_IDLE_MS = 250;

export function createHostCore(deps: HostDeps = defaultHostDeps): HostCore {
  let ctx: HostParts | undefined;
  const loads = new Map<string, AbortController>();
  let transport: WorkerTransport = messagesOnly;
  /** Loads, refreshes, rollbacks and predicts in flight: the transport never holds the event loop meanwhile (worker-transport.ts). */
  let inFlight = 0;

  function context(): HostParts {
    if (!ctx) throw new UnsupportedError('the worker was used before init()');
    return ctx;
  }

  async function tracked<T>(work: () => Promise<T>): Promise<T> {
    inFlight++;
    try {
      return await work();
    } finally {
      inFlight--;
      settleWhenIdle();
    }
  }

  function predict(handle: string, inputs: TensorMap, callId: string | undefined, also?: MetricsRegistry): Promise<TensorMap> {
    return tracked(() => predictNow(handle, inputs, callId, also));
  }

  /**
   * A first visit's copies of the engine files are written once the worker pauses (SETTLE_IDLE_MS
   * with no load or predict in flight): written during the load they slowed the first prediction
   * (and a big model's own download and store), written just after it the calls queued behind it.
   * Nor while a big model served before it was stored is still being written: reading, checking
   * and writing the 14 MB .wasm holds ~60 MB for a moment, which then sat on top of the download's
   * buffer (kept until the store's last write) and the engine's weights: the cold load's memory
   * peak (256 MB model, scale bench: +692–695 MB over idle with it, +633–634 MB without).
   */
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  function settleWhenIdle(): void {
    if (!ctx?.engines.unsettled) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (inFlight === 0 && ctx?.storing.size === 0) void ctx.engines.settle();
      else settleWhenIdle();
    }, SETTLE_IDLE_MS);
  }

  async function predictNow(handle: string, inputs: TensorMap, callId: string | undefined, also?: MetricsRegistry): Promise<TensorMap> {
    const c = context();
    const served = c.served.get(handle);
    if (!served) throw new ModelDisposedError('this model was disposed (or its worker restarted); load it again', { handle });
    const { id, version, engine, backend } = served.info;
    let result: { outputs: TensorMap; stats: { queueMs: number; computeMs: number } };
    try {
      checkInputs(served.spec.inputs, inputs);
      checkMemory(inputs, c.config.memoryBudget);
      result = await served.predict(inputs, callId, c.config.memoryBudget);
    } catch (error) {
      const typed =
        error instanceof EdgeServeError ? error : new InferenceFailedError(`${engine} (${backend}) failed on "${id}": ${toEdgeServeError(error).message}`, { id, backend });
      // Aborts and timeouts are counted on the page, which saw them first.
      if (typed.code !== 'ABORTED' && typed.code !== 'TIMEOUT') {
        c.metrics.error(id, version, typed.code);
        also?.error(id, version, typed.code);
      }
      throw typed;
    }
    c.metrics.call(id, version, result.stats.queueMs, result.stats.computeMs);
    also?.call(id, version, result.stats.queueMs, result.stats.computeMs);
    return transfer(result.outputs, tensorBuffers(result.outputs));
  }

  const api: WorkerApi = {
    async init(init: WorkerInit) {
      const { channel, ...config } = init;
      const c = (ctx = createHostParts(deps, config));
      transport = openWorkerTransport(channel, {
        predict: (handle, inputs) => predict(handle, inputs, undefined),
        isIdle: () => inFlight === 0 && c.revalidations.size === 0,
        onCall: (handle) => {
          const served = c.served.get(handle);
          if (served) c.metrics.sharedMemoryCall(served.info.id, served.info.version);
        },
        port: deps.port(),
      });
      await deps.alive;
    },

    async capabilities() {
      const { softwareAdapter: _s, webgpuReason: _r, ...rest } = await context().capabilities();
      return rest;
    },

    manifest: () => context().manifest.get(),

    load: (request, onProgress, onSwitch) =>
      tracked(async () => {
        const controller = new AbortController();
        if (request.callId) loads.set(request.callId, controller);
        try {
          return await loadModel(context(), request, controller.signal, onProgress, onSwitch);
        } finally {
          if (request.callId) loads.delete(request.callId);
        }
      }),

    async predict(handle, inputs, callId) {
      try {
        return await predict(handle, inputs, callId);
      } finally {
        transport.answered();
      }
    },

    async spec(handle) {
      const served = context().served.get(handle);
      if (!served) throw new ModelDisposedError('this model was disposed (or its worker restarted); load it again', { handle });
      return served.spec;
    },

    async cancel(callId, reason) {
      const error = reason === 'timeout' ? new TimeoutError('the call timed out while queued') : new AbortedError('the call was aborted while queued');
      const load = loads.get(callId);
      if (load) {
        load.abort();
        return true;
      }
      return context()
        .served.all()
        .some((served) => served.batcher.cancel(callId, error));
    },

    async unload(handle) {
      const c = context();
      const served = c.served.get(handle);
      if (!served) return;
      c.served.delete(handle);
      await served.dispose();
    },

    refresh: (id) =>
      tracked(async () => {
        const c = context();
        const keys = new Map(
          c.served
            .all()
            .filter((s) => !s.request.version && (id === undefined || s.info.id === id))
            .map((s) => [`${s.info.id}/${s.info.precision}`, s.info]),
        );
        const results = await Promise.all([...keys.values()].map((info) => revalidate(c, info.id, info.precision)));
        return results.flat();
      }),

    rollback: (id, precision = 'fp32') => tracked(() => rollback(context(), id, precision)),

    async metrics() {
      return context().metrics.snapshot();
    },

    async listCached() {
      return context().store.list();
    },

    async deleteCached(id, version, precision) {
      try {
        return await context().store.remove({ ...(id ? { id } : {}), ...(version ? { version } : {}), ...(precision ? { precision } : {}) });
      } catch (error) {
        throw error instanceof EdgeServeError ? error : new StorageFailedError(`could not delete cached models: ${String(error)}`);
      }
    },

    async ping() {
      return performance.now();
    },

    async settle() {
      await Promise.all([ctx?.engines.settle(), ...(ctx?.storing ?? [])]);
    },
  };
  return { api, parts: context, predict };
}
