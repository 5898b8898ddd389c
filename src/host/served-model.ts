/**
 * One loaded model in the worker: its session, its batcher, what it is (info), and the
 * atomic switch to another version. A switch replaces the session between batches: the batch
 * running on the old session finishes there, every later batch runs on the new one, and the
 * old session is released after its last batch — no call ever sees a half-loaded model.
 *
 * A copy found to run on bytes that are not the manifest's is suspended: from the next batch
 * on, calls wait for the switch to a sound copy (or fail with `refuse`), so no prediction is
 * served from those bytes once they are known to be wrong.
 */
import type { EngineSession } from '../engines/engine.js';
import { ModelDisposedError, type EdgeServeError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { MemoryBudget, ModelInfo, TensorMap, WorkerLoadRequest } from '../protocol.js';
import { holdShared } from '../locks/web-locks.js';
import { Batcher, type BatchPolicy, type CallStats } from './batcher.js';

export class ServedModel {
  private session: EngineSession;
  readonly batcher: Batcher;
  private releaseInUse: () => void;
  /** The SHA-256 of each file this copy runs from (stored or downloaded): what upgrade.ts checks against the manifest. */
  sha256: string[] = [];
  private held: { release: (session: EngineSession) => void; fail: (error: unknown) => void } | undefined;
  private isSuspended = false;

  constructor(
    public info: ModelInfo,
    public spec: ModelSpec,
    session: EngineSession,
    readonly request: WorkerLoadRequest,
    readonly policy: BatchPolicy,
    private readonly metrics: MetricsRegistry,
    private readonly inUseLock: (info: ModelInfo) => string,
    readonly onSwitch?: (info: ModelInfo) => void,
  ) {
    this.session = session;
    this.releaseInUse = holdShared(inUseLock(info));
    // The session is read when a batch starts, so a switch applies from the next batch on.
    this.batcher = new Batcher(
      (inputs) => this.session.run(inputs),
      policy,
      (size) => this.metrics.batch(this.info.id, this.info.version, size),
    );
  }

  /** Tells the page (a Comlink proxy: a promise that rejects if the page has gone away). */
  notify(): void {
    void Promise.resolve(this.onSwitch?.(this.info)).catch(() => undefined);
  }

  /** `budget`: the runtime's memory budget, which bounds every run, a merged batch included. */
  predict(inputs: TensorMap, callId?: string, budget?: MemoryBudget | false): Promise<{ outputs: TensorMap; stats: CallStats }> {
    return this.batcher.submit(inputs, callId, budget);
  }

  get suspended(): boolean {
    return this.isSuspended;
  }

  /** Batches from now on wait for `switchTo` (or fail with `refuse`); a batch already running finishes. */
  suspend(): void {
    if (this.isSuspended) return;
    this.isSuspended = true;
    const bad = this.session;
    const next = new Promise<EngineSession>((release, fail) => (this.held = { release, fail }));
    next.catch(() => undefined);
    this.session = { run: async (inputs) => (await next).run(inputs), dispose: () => bad.dispose() };
  }

  /** A suspended copy that cannot be replaced: waiting and later calls fail with `error`. */
  refuse(error: EdgeServeError): void {
    if (!this.isSuspended) return;
    this.held?.fail(error);
    this.held = undefined;
    const bad = this.session;
    this.session = { run: () => Promise.reject(error), dispose: () => bad.dispose() };
  }

  /** Serve `next` from the next batch on; release the old session once its batch is done. */
  async switchTo(next: EngineSession, info: ModelInfo, spec: ModelSpec, sha256?: string[]): Promise<void> {
    const old = this.session;
    const releaseOld = this.releaseInUse;
    this.session = next;
    this.info = info;
    this.spec = spec;
    if (sha256) this.sha256 = sha256;
    this.held?.release(next);
    this.held = undefined;
    this.isSuspended = false;
    this.releaseInUse = holdShared(this.inUseLock(info));
    this.notify();
    await this.batcher.idle();
    releaseOld();
    await old.dispose().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.batcher.rejectAll(new ModelDisposedError(`model "${this.info.id}" was unloaded while this call was queued`));
    await this.batcher.idle();
    this.releaseInUse();
    await this.session.dispose();
  }
}
