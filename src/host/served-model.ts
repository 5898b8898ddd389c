/**
 * One loaded model in the worker: its session, its batcher, what it is (info), and the
 * atomic switch to another version. A switch replaces the session between batches: the batch
 * running on the old session finishes there, every later batch runs on the new one, and the
 * old session is released after its last batch — no call ever sees a half-loaded model.
 */
import type { EngineSession } from '../engines/engine.js';
import { ModelDisposedError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { ModelInfo, TensorMap, WorkerLoadRequest } from '../protocol.js';
import { holdShared } from '../store/locks.js';
import { Batcher, type BatchPolicy, type CallStats } from './batcher.js';

export class ServedModel {
  private session: EngineSession;
  readonly batcher: Batcher;
  private releaseInUse: () => void;

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
    this.batcher = new Batcher((inputs) => this.session.run(inputs), policy, (size) => this.metrics.batch(this.info.id, this.info.version, size));
  }

  /** Tells the page (a Comlink proxy: a promise that rejects if the page has gone away). */
  notify(): void {
    void Promise.resolve(this.onSwitch?.(this.info)).catch(() => undefined);
  }

  predict(inputs: TensorMap, callId?: string): Promise<{ outputs: TensorMap; stats: CallStats }> {
    return this.batcher.submit(inputs, callId);
  }

  /** Serve `next` from the next batch on; release the old session once its batch is done. */
  async switchTo(next: EngineSession, info: ModelInfo, spec: ModelSpec): Promise<void> {
    const old = this.session;
    const releaseOld = this.releaseInUse;
    this.session = next;
    this.info = info;
    this.spec = spec;
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
