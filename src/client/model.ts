/**
 * A loaded model on the page. It remembers how it was loaded, so after a worker crash the next
 * `predict` loads it again in the new worker (from IndexedDB, no download) and goes on.
 */
import { transfer, type Remote } from 'comlink';
import { AbortedError, ModelDisposedError } from '../errors.js';
import type { ModelInfo, TensorMap, WorkerApi, WorkerLoadRequest } from '../protocol.js';
import { tensorBuffers } from '../protocol.js';
import type { WorkerLink } from './worker-link.js';

export interface PredictOptions {
  /** Rejects the call with ABORTED when aborted. The engine's run is not interrupted. */
  signal?: AbortSignal;
}

export interface Model {
  readonly id: string;
  /**
   * Runs the model. Input buffers are transferred to the worker (the arrays you pass are
   * detached afterwards); outputs are transferred back.
   */
  predict(inputs: TensorMap, options?: PredictOptions): Promise<TensorMap>;
  /** Which engine, backend, version and variant run, and whether the bytes came from cache. */
  info(): ModelInfo;
  dispose(): Promise<void>;
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new AbortedError('predict was aborted before it started'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError('predict was aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class LoadedModel implements Model {
  private disposed = false;
  private reloading: { generation: number; done: Promise<void> } | undefined;

  constructor(
    private readonly link: WorkerLink,
    private readonly request: WorkerLoadRequest,
    private current: ModelInfo,
    private generation: number,
    private readonly onDispose: (model: LoadedModel) => void,
  ) {}

  get id(): string {
    return this.current.id;
  }

  info(): ModelInfo {
    return { ...this.current, ...(this.current.fallback ? { fallback: { ...this.current.fallback } } : {}) };
  }

  predict(inputs: TensorMap, options: PredictOptions = {}): Promise<TensorMap> {
    if (this.disposed) return Promise.reject(new ModelDisposedError(`model "${this.request.id}" was disposed`));
    if (options.signal?.aborted) return Promise.reject(new AbortedError('predict was aborted before it started'));
    const run = this.link.call(async (api, generation) => {
      // A new worker (after a crash) does not know this model yet: load it there first.
      if (generation !== this.generation) await this.reloadOn(api, generation);
      return api.predict(this.current.handle, transfer(inputs, tensorBuffers(inputs)));
    });
    return abortable(
      run.then(({ value }) => value),
      options.signal,
    );
  }

  /** One reload per new worker, however many calls are waiting for it. */
  private reloadOn(api: Remote<WorkerApi>, generation: number): Promise<void> {
    if (this.reloading?.generation !== generation) {
      const done = api.load(this.request).then((info) => {
        this.current = info;
        this.generation = generation;
      });
      this.reloading = { generation, done };
    }
    return this.reloading.done;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose(this);
    if (this.generation !== this.link.generation) return;
    const handle = this.current.handle;
    await this.link.call((api) => api.unload(handle)).catch(() => undefined);
  }
}
