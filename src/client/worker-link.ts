/**
 * The page's link to the runtime's host: starts it lazily, wraps it with Comlink, and rejects
 * every pending call when it dies (Comlink alone would hang) or is declared stuck by the
 * watchdog (then it is ended). The next call after a death starts a new host;
 * `generation` tells model handles to load again.
 *
 * Which host is a `HostStarter`: the page's own dedicated worker (`dedicatedHost`, below), or a
 * shared host serving every page of the origin with this configuration (shared-host-link.ts).
 * Everything else — pending calls, watchdogs, the life lock — is this one class for both.
 *
 * Pending calls are kept in a set and rejected from there, not raced against a "died" promise:
 * a race against a promise that never settles leaves a reaction on it for every call, which
 * grows the page's heap for as long as the worker lives.
 */
import { releaseProxy, wrap, type Remote } from 'comlink';
import { rethrowTyped } from '../error-wire.js';
import { EdgeServeError, WorkerCrashedError, WorkerStuckError, type WorkerStartFailedError } from '../errors.js';
import { watchLifeLock } from '../locks/life-lock.js';
import type { WorkerApi, WorkerInit } from '../protocol.js';
import { LoadWatch } from './load-watch.js';
import { defaultTransport } from './shared-memory-transport.js';
import type { Transport, TransportFactory } from './transport.js';
import { Watchdog, type WatchdogOptions } from './watchdog.js';
import { watchWorkerStart } from './worker-start.js';

/** Starts the runtime worker; `scriptUrl`, when given, is named if the script does not load. */
export type WorkerFactory = ((name: string) => Worker) & { readonly scriptUrl?: string | URL };

/** Why the worker went away: it died or was disposed (WORKER_CRASHED), was stuck (WORKER_STUCK), or never started (WORKER_START_FAILED). */
export type WorkerDeath = WorkerCrashedError | WorkerStuckError | WorkerStartFailedError;

/**
 * A host that could not start where another kind can (a shared host whose script did not
 * load): the calls waiting for it never reached a host, so they run again on the next one.
 * Never seen by the app.
 */
export class HostFallback extends Error {}

/** One started host, as the link sees it. */
export interface StartedHost {
  readonly transport: Transport;
  /** Its script's URL, named when it does not start. */
  readonly scriptUrl?: string;
  /** `error` events (a script that did not load or threw at its start), and `messageerror`. */
  onError(listener: (message: string) => void): void;
  onMessageError(listener: () => void): void;
  /** Sends `init`; resolves with the name of the Web Lock the host holds for its life, or rejects with HostFallback. */
  ready(api: Remote<WorkerApi>, init: WorkerInit): Promise<string>;
  /** The link is done with this host: `death` says why (a dedicated worker is terminated). */
  end(death: WorkerDeath | HostFallback): void;
  /** What `end` does to a stuck host, as error messages say it ("it was terminated"). */
  readonly endedAs: string;
}

export interface HostStarter {
  start(): StartedHost;
}

/** The page's own worker (the only host before shared hosts; still the default on cross-origin isolated pages). */
export function dedicatedHost(spawn: WorkerFactory, openTransport: TransportFactory = defaultTransport): HostStarter {
  return {
    start() {
      const name = `edgeserve-${crypto.randomUUID()}`;
      const worker = spawn(name);
      const transport = openTransport(worker);
      return {
        transport,
        ...(spawn.scriptUrl ? { scriptUrl: spawn.scriptUrl.toString() } : {}),
        onError: (listener) =>
          worker.addEventListener('error', (event) => {
            event.preventDefault();
            listener(event.message);
          }),
        onMessageError: (listener) => worker.addEventListener('messageerror', listener),
        // The worker holds a life lock named after itself once init answered.
        ready: (api, init) => transport.init(api, init).then(() => name),
        end: () => worker.terminate(),
        endedAs: 'it was terminated',
      };
    },
  };
}

interface Live {
  host: StartedHost;
  api: Remote<WorkerApi>;
  generation: number;
  ready: Promise<void>;
  /** Set once `init` answered: calls then go straight to the worker. */
  isReady: boolean;
  /** Rejects each pending call; emptied when the worker goes away. */
  pending: Set<(error: EdgeServeError | HostFallback) => void>;
  watchdog: Watchdog | undefined;
  /** Pings the worker while loads are in flight (load-watch.ts). */
  loadWatch: LoadWatch | undefined;
  stopWatching: () => void;
  /** How predicts travel to this worker (transport.ts). */
  transport: Transport;
}

/** How long a disposed worker may take to finish what it deferred before it is ended anyway. */
const SETTLE_MS = 3_000;

export class WorkerLink {
  private live: Live | undefined;
  private generations = 0;
  private disposed = false;

  constructor(
    private readonly starter: HostStarter,
    private readonly init: WorkerInit,
    /** `false` turns the watchdog off. */
    private readonly watchdog: WatchdogOptions | false = {},
  ) {}

  /** The generation of the live worker, or -1 when none is running. */
  get generation(): number {
    return this.live?.generation ?? -1;
  }

  /** Runs `call` on a live worker; rejects with WORKER_CRASHED (or WORKER_STUCK) if the worker goes away meanwhile. */
  run<T>(call: (api: Remote<WorkerApi>, generation: number) => Promise<T>): Promise<T> {
    let live: Live;
    try {
      live = this.ensure();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      const { pending } = live;
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        pending.delete(fail);
        // The host could not start and another kind will: this call never reached it, so it runs there.
        if (error instanceof HostFallback) this.run(call).then(resolve, reject);
        else reject(error);
        // A load left the worker holding memory it can never give back (host/worker-replacement.ts).
        if (error instanceof EdgeServeError && error.details?.workerReplaced === true) this.replace(live, error);
      };
      pending.add(fail);
      // The worker throws typed errors as tagged data (error-wire.ts): rebuilt here, on the way back.
      const started = (live.isReady ? call(live.api, live.generation) : live.ready.then(() => call(live.api, live.generation))).catch(rethrowTyped);
      started.then((value) => {
        if (settled) return;
        settled = true;
        pending.delete(fail);
        resolve(value);
      }, fail);
    });
  }

  /** The transport of the worker of `generation` (transport.ts); undefined once that worker is gone. */
  transport(generation: number): Transport | undefined {
    const live = this.live;
    return live?.generation === generation ? live.transport : undefined;
  }

  /** As `run`, with the generation the call ran on. */
  async call<T>(call: (api: Remote<WorkerApi>, generation: number) => Promise<T>): Promise<{ value: T; generation: number }> {
    let generation = -1;
    const value = await this.run((api, g) => {
      generation = g;
      return call(api, g);
    });
    return { value, generation };
  }

  /**
   * A predict for `model` is about to be posted to the worker of `generation`: the watchdog
   * expects an answer in time. Call the returned function when the answer (or error) is back.
   */
  watch(model: string, generation: number): () => void {
    const live = this.live;
    if (!live?.watchdog || live.generation !== generation) return () => undefined;
    return live.watchdog.begin(model);
  }

  /**
   * `load`, a load of `model` just posted to the worker of `generation`, watched until it
   * settles: the worker must keep answering pings meanwhile (however long the load takes), or it
   * is declared stuck and `load` rejects with WORKER_STUCK like every pending call.
   */
  watchLoad<T>(model: string, generation: number, load: Promise<T>): Promise<T> {
    const live = this.live;
    if (!live?.loadWatch || live.generation !== generation) return load;
    const done = live.loadWatch.begin(model);
    load.then(done, done);
    return load;
  }

  dispose(): void {
    this.disposed = true;
    const live = this.live;
    // Every call fails at once; the worker itself ends once it has written what it deferred (a
    // first visit's copy of the engine files, written once the worker pauses so as not to slow
    // them; a big model served before its store finished), or after SETTLE_MS: disposed right
    // after one prediction, it kept no offline copy.
    const settled = live?.isReady ? Promise.race([live.api.settle(), new Promise((r) => setTimeout(r, SETTLE_MS))]).catch(() => undefined) : undefined;
    this.retire(new WorkerCrashedError('the runtime was disposed'), settled);
  }

  private ensure(): Live {
    if (this.disposed) throw new WorkerCrashedError('the runtime was disposed');
    if (this.live) return this.live;
    const generation = ++this.generations;
    const host = this.starter.start();
    const start = watchWorkerStart(host.scriptUrl);
    const { transport } = host;
    const api = wrap<WorkerApi>(transport.endpoint);
    const live: Live = {
      host,
      api,
      generation,
      ready: Promise.resolve(),
      isReady: false,
      pending: new Set(),
      watchdog: undefined,
      loadWatch: undefined,
      stopWatching: () => undefined,
      transport,
    };
    const onDeath = (reason: string) => {
      if (this.live !== live) return;
      const error = new WorkerCrashedError(`the runtime worker died (${reason}); pending calls were rejected and the next call starts a new worker`, {
        generation,
      });
      this.retire(error);
    };
    if (this.watchdog !== false) {
      live.watchdog = new Watchdog(({ model, waitedMs, boundMs }) => {
        if (this.live !== live) return;
        const error = new WorkerStuckError(
          `the runtime worker gave no answer for ${waitedMs} ms while a run of "${model}" was due within ${boundMs} ms; ` +
            `${host.endedAs}, pending calls were rejected, and the next call starts a new worker (createRuntime({ watchdog }) sets the bound)`,
          { generation, model, waitedMs, boundMs },
        );
        this.retire(error);
      }, this.watchdog);
      live.loadWatch = new LoadWatch(
        () => api.ping(),
        ({ model, silentMs, boundMs }) => {
          if (this.live !== live) return;
          const error = new WorkerStuckError(
            `the runtime worker answered no ping for ${silentMs} ms while loading "${model}" (a live worker answers within ${boundMs} ms, however long the load); ` +
              `${host.endedAs}, pending calls were rejected, and the next call starts a new worker (createRuntime({ watchdog: { loadFloorMs } }) sets the bound)`,
            { generation, model, waitedMs: silentMs, boundMs, during: 'load' },
          );
          this.retire(error);
        },
        live.watchdog.loadFloorMs,
      );
    }
    // A script that fails to load or throws at top level shows up as an error event.
    // A worker that never answered did not start (script not loaded, CSP): say why, not "crashed".
    let started = false;
    host.onError((message) => {
      if (started) return onDeath(message || 'worker script error');
      void start.explain().then((error) => this.live === live && this.retire(error));
    });
    host.onMessageError(() => onDeath('a message could not be deserialized'));
    live.ready = host.ready(api, this.init).then(
      (lifeLock) => {
        live.isReady = true;
        started = true;
        start.stop();
        // Only now does the worker hold its life lock, so our request queues behind it.
        live.stopWatching = watchLifeLock(lifeLock, () => onDeath('it was terminated or crashed')).stop;
      },
      (error: unknown) => {
        if (error instanceof HostFallback) {
          start.stop();
          if (this.live === live) this.retire(error);
        }
        throw error;
      },
    );
    this.live = live;
    return live;
  }

  /** A call's error says its worker must be replaced: it is retired as after a crash, and the next call starts a new one. */
  private replace(live: Live, cause: EdgeServeError): void {
    if (this.live !== live) return;
    this.retire(
      new WorkerCrashedError(`the runtime worker was replaced after ${cause.code}; pending calls were rejected and the next call starts a new worker`, {
        generation: live.generation,
        replacedAfter: cause.code,
      }),
    );
  }

  private retire(error: WorkerDeath | HostFallback, settled?: Promise<unknown>): void {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    live.stopWatching();
    live.watchdog?.stop();
    live.loadWatch?.stop();
    for (const reject of live.pending) reject(error);
    live.pending.clear();
    const end = () => {
      live.api[releaseProxy]();
      live.host.end(error);
    };
    if (settled) void settled.finally(end);
    else end();
  }
}
