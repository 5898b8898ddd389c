/**
 * A loaded model on the page. It remembers how it was loaded, so after a worker crash the next
 * `predict` loads it again in the new worker (from IndexedDB, no download) and goes on; and it
 * follows version switches (background upgrade, rollback) the worker reports.
 */
import type { ProxyMarked, Remote } from 'comlink';
import { EdgeServeError, ModelDisposedError, WorkerCrashedError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { ModelInfo, TensorMap, WorkerApi, WorkerLoadRequest } from '../protocol.js';
import { cancellable, type CancelOptions } from './cancel.js';
import { validateCancelOptions } from './validate-options.js';
import { checkArguments } from './check-arguments.js';
import type { WorkerLink } from './worker-link.js';

export type PredictOptions = CancelOptions;

export interface Model {
  readonly id: string;
  /**
   * Runs the model. Input buffers are transferred to the worker (the arrays you pass are
   * detached afterwards); outputs are transferred back.
   */
  predict(inputs: TensorMap, options?: PredictOptions): Promise<TensorMap>;
  /** Which engine, backend, version and variant run, and whether the bytes came from cache. */
  info(): ModelInfo;
  /** The served version's inputs, outputs and labels, as stored with it: known offline without the manifest. */
  spec(): Promise<ModelSpec>;
  dispose(): Promise<void>;
}

export interface ModelHooks {
  onDispose: (model: LoadedModel) => void;
  /** Errors that never reach the worker's metrics (crash, stuck worker, abort, timeout), counted on the page. */
  onPageError: (info: ModelInfo, code: string) => void;
  onUpdate?: (info: ModelInfo) => void;
  persisted?: boolean;
}

const pageSeenCodes = new Set(['WORKER_CRASHED', 'WORKER_STUCK', 'ABORTED', 'TIMEOUT']);

export class LoadedModel implements Model {
  private disposed = false;
  private reloading: { generation: number; done: Promise<void> } | undefined;
  /** Counts page-side failures; one function for every call rather than a closure per call. */
  private readonly countPageError = (error: unknown): never => {
    if (error instanceof EdgeServeError && pageSeenCodes.has(error.code)) this.hooks.onPageError(this.current, error.code);
    throw error;
  };

  constructor(
    private readonly link: WorkerLink,
    private readonly request: WorkerLoadRequest,
    private current: ModelInfo,
    private generation: number,
    /** The worker's switch notifications (a Comlink proxy made before the load), reused by reloads. */
    private readonly onSwitch: ((info: ModelInfo) => void) & ProxyMarked,
    private readonly hooks: ModelHooks,
  ) {}

  /** The worker switched this model's version (background upgrade or rollback), or an upgrade failed. */
  applySwitch(info: ModelInfo): void {
    if (info.handle !== this.current.handle) return;
    // A repair replaces the bytes under the same version: the app is told as for a new version.
    const repaired = (info.repaired ?? []).join('\n') !== (this.current.repaired ?? []).join('\n');
    const switched = info.version !== this.current.version || repaired;
    this.current = info;
    if (switched) this.hooks.onUpdate?.(this.info());
  }

  get id(): string {
    return this.current.id;
  }

  info(): ModelInfo {
    return structuredClone({ ...this.current, ...(this.hooks.persisted !== undefined ? { persisted: this.hooks.persisted } : {}) });
  }

  /**
   * The steady-state path is kept lean (it runs per frame for small models): with no signal and
   * no time limit there is no call id, no race and no timer, only the link's own promise.
   */
  predict(inputs: TensorMap, options?: PredictOptions): Promise<TensorMap> {
    if (this.disposed) return Promise.reject(new ModelDisposedError(`model "${this.request.id}" was disposed`));
    const mistake = checkArguments(inputs, this.request.id);
    if (mistake) return Promise.reject(mistake);
    if (options !== undefined) {
      try {
        validateCancelOptions('predict', options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (options?.signal === undefined && options?.timeoutMs === undefined) {
      return this.link.run((api, generation) => this.send(api, generation, inputs, undefined)).catch(this.countPageError);
    }
    const callId = crypto.randomUUID();
    return cancellable(
      `predict on "${this.request.id}"`,
      () => this.link.run((api, generation) => this.send(api, generation, inputs, callId)),
      options,
      (reason) => {
        void this.link.run((api) => api.cancel(callId, reason)).catch(() => undefined);
      },
    ).catch(this.countPageError);
  }

  private send(api: Remote<WorkerApi>, generation: number, inputs: TensorMap, callId: string | undefined): Promise<TensorMap> {
    // A new worker (after a crash) does not know this model yet: load it there first.
    if (generation !== this.generation) return this.reloadOn(api, generation).then(() => this.send(api, generation, inputs, callId));
    const transport = this.link.transport(generation);
    // The worker went away since: the link has already rejected this call with the reason.
    if (!transport) return Promise.reject(new WorkerCrashedError('the runtime worker went away', { generation }));
    const answered = this.link.watch(this.current.id, generation);
    const reply = transport.predict(api, this.current.handle, inputs, callId);
    reply.then(answered, answered);
    return reply;
  }

  async spec(): Promise<ModelSpec> {
    if (this.disposed) throw new ModelDisposedError(`model "${this.request.id}" was disposed`);
    const { value } = await this.link.call(async (api, generation) => {
      if (generation !== this.generation) await this.reloadOn(api, generation);
      return api.spec(this.current.handle);
    });
    return value;
  }

  /** One reload per new worker, however many calls are waiting for it. */
  private reloadOn(api: Remote<WorkerApi>, generation: number): Promise<void> {
    if (this.reloading?.generation !== generation) {
      const { callId: _c, ...request } = this.request;
      const done = this.link.watchLoad(request.id, generation, api.load(request, undefined, this.onSwitch)).then((info) => {
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
    this.hooks.onDispose(this);
    if (this.generation !== this.link.generation) return;
    const handle = this.current.handle;
    await this.link.call((api) => api.unload(handle)).catch(() => undefined);
  }
}
