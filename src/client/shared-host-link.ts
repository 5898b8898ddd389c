/**
 * The page's side of the shared host (host/shared-host.ts): which host a runtime uses and why,
 * and how a page reaches a SharedWorker, as a `HostStarter` for the one WorkerLink.
 *
 * - Name: one host per store and configuration — `edgeserve-shared:<store>:<hash of the init
 *   config>` — so pages with another manifest, device id, engine files or budget never share
 *   a host; `#g<N>` is the generation (see stuck, below).
 * - Connecting: the page wraps its end of a MessageChannel at once (Comlink needs an endpoint
 *   now) and hands the other end to the SharedWorker once it exists (the name needs a lock
 *   query first). It holds a page lock (`edgeserve-page-<uuid>`) before it attaches: the host
 *   queues a request for it and, when granted, the page is gone (closed, reloaded, crashed,
 *   disposed) and the host drops what it held for it.
 * - Death: the host holds a life lock, as a dedicated worker does; the page sees it die and
 *   the next call connects again under the same name (a new instance), where the models load
 *   again from IndexedDB (WorkerLink's generations).
 * - Stuck: a page cannot terminate a SharedWorker. On WORKER_STUCK it marks generation N stuck
 *   (a shared lock held while the page lives: later pages start after it), asks the stuck host
 *   to close itself (a BroadcastChannel it hears when its event loop is free), and the next call
 *   connects to generation N+1 — every page that saw it stuck agrees on N+1. A host wedged for
 *   good lingers (with its memory) until every page that connected to it has closed.
 * - Fallback: where SharedWorker is missing, cannot be constructed, or its script does not load
 *   (error event before the host answered), the runtime runs the page's own worker instead;
 *   calls waiting meanwhile run there (HostFallback), and info() says why.
 */
import type { Remote } from 'comlink';
import { WorkerStuckError } from '../errors.js';
import { holdShared, heldLockNames, locks } from '../locks/web-locks.js';
import type { WorkerApi, WorkerInit } from '../protocol.js';
import { CONNECT_KEY, closeChannel, sharedHostName, stuckMarker, type SharedHostApi, type SharedHostScope } from '../shared-host-protocol.js';
import { messagePredict, type Transport } from './transport.js';
import { HostFallback, type HostStarter, type StartedHost, type WorkerDeath } from './worker-link.js';

/** Starts (or connects to) the shared host's SharedWorker under `name`. */
export type SharedWorkerFactory = ((name: string) => SharedWorker) & { readonly scriptUrl?: string | URL };

/** `auto`: shared where it pays (see chooseHost), else the page's own worker. */
export type HostOption = 'auto' | 'shared' | 'page';

export interface HostReport {
  /** `shared`: one SharedWorker serves every same-origin page with this configuration; `page`: this page's own worker. */
  host: 'shared' | 'page';
  /** Why this host runs (always said for `page`; for `shared`, what it costs). */
  reason: string;
  /** What the shared host measured in its own scope (cross-origin isolation, SharedArrayBuffer, nested workers). */
  scope?: SharedHostScope;
  /** The shared host's SharedWorker name (store, configuration hash, generation). */
  name?: string;
}

export interface HostChoiceInputs {
  option: HostOption;
  sharedFactory: SharedWorkerFactory | undefined;
  /** The app passed its own worker factory. */
  customWorker: boolean;
  crossOriginIsolated: boolean;
  sharedWorkerExists: boolean;
}

const SINGLE_THREAD =
  'one SharedWorker serves every page of this origin and store; it runs WASM on one thread and predicts as messages (a shared worker is not cross-origin isolated)';

/**
 * The rule. `auto` shares where nothing is lost: on a page that is not cross-origin isolated
 * its own worker is single-threaded and message-bound too, so the shared host costs nothing
 * and saves a session, an engine start-up and a copy of every model per extra page. A cross-
 * origin isolated page keeps its own worker: WASM threads (up to 4) and the shared-memory
 * predict channel, which a SharedWorker cannot have. `shared` asks for it anyway (memory over
 * threads: many tabs, big models).
 */
export function chooseHost(inputs: HostChoiceInputs): HostReport {
  const page = (reason: string): HostReport => ({ host: 'page', reason });
  if (inputs.option === 'page') return page("host: 'page' was asked");
  if (!inputs.sharedWorkerExists) return page('SharedWorker is not available in this browser (e.g. Chrome on Android)');
  if (!inputs.sharedFactory) return page('this build has no shared host script (the drop-in script starts its worker from a blob: URL, which no other page can reach)');
  if (inputs.option === 'auto' && inputs.customWorker) return page('a workerFactory was given: the page runs that worker');
  if (inputs.option === 'auto' && inputs.crossOriginIsolated)
    return page(
      "the page is cross-origin isolated: its own worker runs WASM with threads and the shared-memory channel, which a shared worker cannot (host: 'shared' trades them for one copy of each model)",
    );
  return { host: 'shared', reason: SINGLE_THREAD };
}

/** FNV-1a, 32 bits: a short, stable tag of the configuration for the worker's name (not a secret). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The shared host's name without its generation: the store, and a hash of everything the host is started with. */
export function sharedHostBase(init: WorkerInit): string {
  const { channel: _c, ...config } = init;
  return `edgeserve-shared:${init.storeName}:${fnv1a(JSON.stringify(config, Object.keys(config).sort()))}`;
}

/** The first generation no page has marked stuck. */
export async function liveGeneration(base: string, held: () => Promise<Set<string>> = heldLockNames): Promise<number> {
  const names = await held();
  let generation = 0;
  while (names.has(stuckMarker(sharedHostName(base, generation)))) generation++;
  return generation;
}

/** Holds `name` until the returned function is called; resolves once it is held (so a later request queues behind it). */
function holdUntilReleased(name: string): Promise<() => void> {
  const manager = locks();
  if (!manager) return Promise.resolve(() => undefined);
  return new Promise((held) => {
    void manager.request(name, {}, () => new Promise<void>((release) => held(release))).catch(() => undefined);
  });
}

/**
 * How long a shared host may take to answer its first message before the page runs its own
 * worker instead. Its start does no engine work (the engines start on the first load), so a live
 * host answers in milliseconds; one that never answers (a script that loads but hangs at its
 * start, a browser that queues the worker without running it) would otherwise hold the page's
 * first call forever, since a SharedWorker fires no error for it.
 */
export const SHARED_HOST_START_MS = 20_000;

function startShared(spawn: SharedWorkerFactory, base: string, report: HostReport, fallBack: (reason: string) => void, startMs = SHARED_HOST_START_MS): StartedHost {
  const channel = new MessageChannel();
  const transport: Transport = { endpoint: channel.port1, init: (api, init) => api.init(init), predict: messagePredict };
  let name: string | undefined;
  let releasePage: (() => void) | undefined;
  let ended = false;
  return {
    transport,
    endedAs: 'a page cannot end a shared host, so it was asked to close itself and this page moved to a new one',
    // A shared worker's script that does not load is a fallback, not a failure (ready, below).
    onError: () => undefined,
    onMessageError: (listener) => channel.port1.addEventListener('messageerror', listener),
    async ready(api: Remote<WorkerApi>, init: WorkerInit) {
      const fail = (reason: string) => {
        fallBack(reason);
        return new HostFallback(reason);
      };
      name = sharedHostName(base, await liveGeneration(base));
      let worker: SharedWorker;
      try {
        worker = spawn(name);
      } catch (error) {
        throw fail(`the shared host could not start (${error instanceof Error ? error.message : String(error)}): each page runs its own worker`);
      }
      const failed = new Promise<never>((_, reject) =>
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          reject(
            fail(
              "the shared host's script did not load or failed at its start (a Content-Security-Policy without worker-src for it, or a bundler that did not emit it): each page runs its own worker",
            ),
          );
        }),
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(fail(`the shared host gave no answer within ${startMs / 1000} s of starting: each page runs its own worker`)), startMs);
      });
      failed.catch(() => undefined);
      silent.catch(() => undefined);
      worker.port.postMessage({ [CONNECT_KEY]: channel.port2 }, [channel.port2]);
      const pageLock = `edgeserve-page-${crypto.randomUUID()}`;
      releasePage = await holdUntilReleased(pageLock);
      if (ended) releasePage();
      const shared = api as unknown as Remote<SharedHostApi>;
      const hello = await Promise.race([transport.init(api, init).then(() => shared.attach({ pageLock })), failed, silent]).finally(() => clearTimeout(timer));
      report.scope = hello.scope;
      report.name = name;
      return hello.lifeLock;
    },
    end(death: WorkerDeath | HostFallback) {
      ended = true;
      // The host (if alive) drops this page's calls and references once it gets the page lock.
      releasePage?.();
      channel.port1.close();
      if (death instanceof WorkerStuckError && name) {
        // Later pages skip this generation while any page that saw it stuck lives.
        holdShared(stuckMarker(name));
        const close = new BroadcastChannel(closeChannel(name));
        close.postMessage('close');
        close.close();
      }
    },
  };
}

/** The runtime's HostStarter: the shared host while it can start, the page's own worker otherwise; `report` says which and why. */
export function chooseStarter(choice: HostReport, shared: { spawn: SharedWorkerFactory; init: WorkerInit } | undefined, page: HostStarter): HostStarter & { report: HostReport } {
  const report: HostReport = { ...choice };
  const base = shared ? sharedHostBase(shared.init) : '';
  return {
    report,
    start() {
      if (report.host !== 'shared' || !shared) return page.start();
      return startShared(shared.spawn, base, report, (reason) => {
        report.host = 'page';
        report.reason = reason;
        delete report.scope;
        delete report.name;
      });
    },
  };
}
