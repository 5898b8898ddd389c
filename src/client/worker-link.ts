/**
 * The page's link to the runtime worker: spawns it lazily, wraps it with Comlink, and rejects
 * every pending call with WORKER_CRASHED when it dies (Comlink alone would hang). The next call
 * after a death spawns a new worker; `generation` tells model handles to load again.
 */
import { releaseProxy, wrap, type Remote } from 'comlink';
import { rethrowTyped } from '../error-wire.js';
import { WorkerCrashedError, type EdgeServeError } from '../errors.js';
import { watchLifeLock } from '../life-lock.js';
import type { WorkerApi, WorkerInit } from '../protocol.js';
import { watchWorkerStart } from './worker-start.js';

/** Starts the runtime worker; `scriptUrl`, when given, is named if the script does not load. */
export type WorkerFactory = ((name: string) => Worker) & { readonly scriptUrl?: string | URL };

interface Live {
  worker: Worker;
  api: Remote<WorkerApi>;
  generation: number;
  ready: Promise<void>;
  /** Rejects when the worker dies; every call races against it. */
  died: Promise<never>;
  kill: (error: EdgeServeError) => void;
  stopWatching: () => void;
}

export class WorkerLink {
  private live: Live | undefined;
  private generations = 0;
  private disposed = false;
  private readonly deathListeners = new Set<(error: EdgeServeError) => void>();

  constructor(
    private readonly spawn: WorkerFactory,
    private readonly init: WorkerInit,
  ) {}

  /** The generation of the live worker, or -1 when none is running. */
  get generation(): number {
    return this.live?.generation ?? -1;
  }

  onDeath(listener: (error: EdgeServeError) => void): () => void {
    this.deathListeners.add(listener);
    return () => this.deathListeners.delete(listener);
  }

  /** Runs `call` on a live worker; rejects with WORKER_CRASHED if the worker dies meanwhile. */
  async call<T>(call: (api: Remote<WorkerApi>, generation: number) => Promise<T>): Promise<{ value: T; generation: number }> {
    const live = this.ensure();
    await Promise.race([live.ready.catch(rethrowTyped), live.died]);
    // The worker throws typed errors as tagged data (error-wire.ts): rebuild them here.
    const value = await Promise.race([call(live.api, live.generation).catch(rethrowTyped), live.died]);
    return { value, generation: live.generation };
  }

  dispose(): void {
    this.disposed = true;
    this.retire(new WorkerCrashedError('the runtime was disposed'));
  }

  private ensure(): Live {
    if (this.disposed) throw new WorkerCrashedError('the runtime was disposed');
    if (this.live) return this.live;
    const generation = ++this.generations;
    const name = `edgeserve-${crypto.randomUUID()}`;
    const start = watchWorkerStart(this.spawn.scriptUrl?.toString());
    const worker = this.spawn(name);
    const api = wrap<WorkerApi>(worker);
    let kill!: (error: EdgeServeError) => void;
    const died = new Promise<never>((_, reject) => {
      kill = reject;
    });
    died.catch(() => undefined);
    const live: Live = { worker, api, generation, died, kill, ready: Promise.resolve(), stopWatching: () => undefined };
    const onDeath = (reason: string) => {
      if (this.live !== live) return;
      const error = new WorkerCrashedError(`the runtime worker died (${reason}); pending calls were rejected and the next call starts a new worker`, {
        generation,
      });
      this.retire(error);
    };
    // A script that fails to load or throws at top level shows up as an error event.
    // A worker that never answered did not start (script not loaded, CSP): say why, not "crashed".
    let started = false;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (started) return onDeath(event.message || 'worker script error');
      void start.explain().then((error) => this.live === live && this.retire(error));
    });
    worker.addEventListener('messageerror', () => onDeath('a message could not be deserialized'));
    live.ready = api.init(this.init).then(() => {
      started = true;
      start.stop();
      // Only now does the worker hold its life lock, so our request queues behind it.
      live.stopWatching = watchLifeLock(name, () => onDeath('it was terminated or crashed')).stop;
    });
    this.live = live;
    return live;
  }

  private retire(error: EdgeServeError): void {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    live.stopWatching();
    live.kill(error);
    live.api[releaseProxy]();
    live.worker.terminate();
    for (const listener of this.deathListeners) listener(error);
  }
}
