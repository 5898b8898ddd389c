/**
 * The shared host: one host core (createHostCore) serving every page connected to a
 * SharedWorker, each page through a facade of the same WorkerApi on its own port.
 *
 * - One session per model and variant: loads with the same id, version, precision, backend and
 *   batching share one served model (one copy in memory, one engine start-up, one store read),
 *   counted per page; a page's unload drops only its own reference, the last one unloads.
 *   A load that arrives while the same session is opening joins it (its progress too); a page
 *   that aborts its load leaves the others waiting, the load stops only when no page waits.
 * - Switches (background upgrade, rollback) go to every page's onSwitch, so every page's
 *   onUpdate fires; handles are the session's, the same on every page.
 * - Micro-batching merges calls from all pages: they reach the same served model's batcher.
 * - Metrics: the core's registry counts everything (the total); each page has its own registry
 *   for its calls and errors. A page's metrics() is its own, with the total beside it.
 * - A page that goes away (closed, reloaded, crashed) is seen through its page lock: its queued
 *   calls are cancelled (a batch already running finishes; its answer goes nowhere), its loads
 *   and references are dropped. Nothing of it fails another page's call.
 */
import { AbortedError, EdgeServeError, ModelDisposedError, UnsupportedError } from '../errors.js';
import { locks } from '../locks/web-locks.js';
import { MetricsRegistry } from '../metrics/registry.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import type { LoadProgress, ModelInfo, WorkerInit, WorkerLoadRequest } from '../protocol.js';
import type { HostHello, PageHello, SharedHostApi, SharedHostScope, SharedHostStats } from '../shared-host-protocol.js';
import type { HostCore } from './host.js';

type OnSwitch = (info: ModelInfo) => void;
type OnProgress = (progress: LoadProgress) => void;

/** One page's hold on a session: made by a load, dropped by its unload (or when the page goes). */
interface Ref {
  page: Page;
  onSwitch: OnSwitch | undefined;
  onProgress: OnProgress | undefined;
}

interface Session {
  key: string;
  /** The core's load, with the call id that cancels it. */
  opening: Promise<ModelInfo>;
  coreCallId: string;
  handle: string | undefined;
  refs: Set<Ref>;
}

interface Page {
  readonly metrics: MetricsRegistry;
  /** The page's references by handle (a page may load one model more than once). */
  readonly byHandle: Map<string, Ref[]>;
  /** Call ids of this page's predicts in flight: cancelled when the page goes. */
  readonly calls: Set<string>;
  /** This page's loads still waiting for their session, by the page's call id. */
  readonly waiting: Map<string, { session: Session; ref: Ref; abort: (error: Error) => void }>;
  gone: boolean;
}

export interface SharedHostOptions {
  lifeLock: string;
  scope: SharedHostScope;
  /** A load left the host holding memory it cannot give back (host/worker-replacement.ts). */
  onWorkerReplaced?: () => void;
  /** Calls `onGone` once the page holding `pageLock` is gone (default: a Web Lock request). */
  watchPage?: (pageLock: string, onGone: () => void) => void;
}

/** The session key: what makes two loads the same served model. */
export function sessionKey(request: WorkerLoadRequest): string {
  const { id, version, precision, backend, batching } = request;
  return JSON.stringify([id, version ?? null, precision ?? 'fp32', backend ?? 'auto', batching ?? null]);
}

const configKey = (init: WorkerInit): string => {
  const { channel: _c, ...config } = init;
  return JSON.stringify(config, Object.keys(config).sort());
};

const defaultWatchPage = (pageLock: string, onGone: () => void): void => {
  void locks()
    ?.request(pageLock, {}, () => onGone())
    .catch(() => undefined);
};

export function createSharedHost(core: HostCore, options: SharedHostOptions) {
  const sessions = new Map<string, Session>();
  const pages = new Set<Page>();
  let started: { key: string; done: Promise<void> } | undefined;
  let sessionsOpened = 0;
  let loadsJoined = 0;
  const watchPage = options.watchPage ?? defaultWatchPage;

  const fanOut = (session: Session, tell: (ref: Ref) => unknown) => {
    for (const ref of session.refs) void Promise.resolve(tell(ref)).catch(() => undefined);
  };

  function open(request: WorkerLoadRequest, key: string): Session {
    const session: Session = { key, opening: Promise.resolve() as never, coreCallId: crypto.randomUUID(), handle: undefined, refs: new Set() };
    sessionsOpened++;
    const { callId: _c, ...shared } = request;
    session.opening = core.api
      .load(
        { ...shared, callId: session.coreCallId },
        (progress) => fanOut(session, (ref) => ref.onProgress?.(progress)),
        (info) => fanOut(session, (ref) => ref.onSwitch?.(info)),
      )
      .then(
        (info) => {
          session.handle = info.handle;
          // Every page's loads that were waiting have gone (aborted, page closed): nobody holds it.
          if (session.refs.size === 0) close(session);
          return info;
        },
        (error: unknown) => {
          if (sessions.get(key) === session) sessions.delete(key);
          // The engine's memory grew and never shrinks (MODEL_TOO_LARGE, workerReplaced): the host
          // ends itself, so every page sees it die and reconnects to a new instance (a page cannot end it).
          if (error instanceof EdgeServeError && error.details?.workerReplaced === true) options.onWorkerReplaced?.();
          throw error;
        },
      );
    session.opening.catch(() => undefined);
    sessions.set(key, session);
    return session;
  }

  /** No page holds `session` any more: unload it, or stop its load. */
  function close(session: Session): void {
    if (sessions.get(session.key) === session) sessions.delete(session.key);
    if (session.handle) void core.api.unload(session.handle).catch(() => undefined);
    else void core.api.cancel(session.coreCallId, 'aborted').catch(() => undefined);
  }

  function drop(ref: Ref): void {
    const session = [...sessions.values()].find((s) => s.refs.has(ref));
    if (!session) return;
    session.refs.delete(ref);
    if (session.refs.size === 0) close(session);
  }

  function served(page: Page, handle: string): void {
    if (!page.byHandle.has(handle)) throw new ModelDisposedError('this model was disposed (or its worker restarted); load it again', { handle });
  }

  /** The page is gone: its queued calls, waiting loads and references go with it. */
  function leave(page: Page): void {
    if (page.gone) return;
    page.gone = true;
    pages.delete(page);
    for (const callId of page.calls) void core.api.cancel(callId, 'aborted').catch(() => undefined);
    page.calls.clear();
    for (const { ref } of page.waiting.values()) drop(ref);
    page.waiting.clear();
    for (const refs of page.byHandle.values()) for (const ref of refs) drop(ref);
    page.byHandle.clear();
  }

  async function load(page: Page, request: WorkerLoadRequest, onProgress?: OnProgress, onSwitch?: OnSwitch): Promise<ModelInfo> {
    const key = sessionKey(request);
    const existing = sessions.get(key);
    const session = existing ?? open(request, key);
    if (existing) loadsJoined++;
    const ref: Ref = { page, onSwitch, onProgress };
    session.refs.add(ref);
    const callId = request.callId;
    try {
      const opened = await new Promise<ModelInfo>((resolve, reject) => {
        if (callId) page.waiting.set(callId, { session, ref, abort: reject });
        session.opening.then(resolve, reject);
      });
      if (page.gone || !session.refs.has(ref)) throw new AbortedError(`the load of "${request.id}" was aborted`);
      const refs = page.byHandle.get(opened.handle) ?? [];
      refs.push(ref);
      page.byHandle.set(opened.handle, refs);
      ref.onProgress = undefined;
      // A session opened earlier may have switched version since: the page gets what is served now.
      return core.parts().served.get(opened.handle)?.info ?? opened;
    } catch (error) {
      session.refs.delete(ref);
      throw error;
    } finally {
      if (callId) page.waiting.delete(callId);
    }
  }

  function facade(page: Page): SharedHostApi {
    const api = core.api;
    return {
      async init(init) {
        const key = configKey(init);
        if (!started) {
          // No shared-memory channel: a shared worker gets no SharedArrayBuffer (expose-shared-host.ts).
          const { channel: _c, ...config } = init;
          const done = api.init(config);
          started = { key, done };
          done.catch(() => (started = undefined));
        } else if (started.key !== key) {
          throw new UnsupportedError('this shared host serves another configuration (its name is derived from it: a page with this configuration should not reach it)');
        }
        await started.done;
      },
      async attach(hello: PageHello): Promise<HostHello> {
        watchPage(hello.pageLock, () => leave(page));
        return { lifeLock: options.lifeLock, scope: options.scope };
      },
      capabilities: () => api.capabilities(),
      manifest: () => api.manifest(),
      load: (request, onProgress, onSwitch) => load(page, request, onProgress, onSwitch),
      async predict(handle, inputs, callId) {
        served(page, handle);
        // Every call gets an id, so a page that goes away can take its queued calls back.
        const id = callId ?? crypto.randomUUID();
        page.calls.add(id);
        try {
          return await core.predict(handle, inputs, id, page.metrics);
        } finally {
          page.calls.delete(id);
        }
      },
      async spec(handle) {
        served(page, handle);
        return api.spec(handle);
      },
      async cancel(callId, reason) {
        const waiting = page.waiting.get(callId);
        if (!waiting) return api.cancel(callId, reason);
        page.waiting.delete(callId);
        waiting.abort(new AbortedError('the load was aborted'));
        drop(waiting.ref);
        return true;
      },
      async unload(handle) {
        const refs = page.byHandle.get(handle);
        const ref = refs?.pop();
        if (!ref) return;
        if (refs!.length === 0) page.byHandle.delete(handle);
        drop(ref);
      },
      refresh: (id) => api.refresh(id),
      rollback: (id, precision) => api.rollback(id, precision),
      async metrics(): Promise<MetricsSnapshot> {
        const total = await api.metrics();
        return { ...page.metrics.snapshot(), shared: { pages: pages.size, total } };
      },
      listCached: () => api.listCached(),
      deleteCached: (id, version, precision) => api.deleteCached(id, version, precision),
      ping: () => api.ping(),
      // The shared host outlives a page: what it deferred finishes there anyway.
      settle: async () => undefined,
      stats: async () => stats(),
    };
  }

  function stats(): SharedHostStats {
    return {
      pages: pages.size,
      sessionsOpened,
      loadsJoined,
      sessions: [...sessions.values()].flatMap((s) => {
        const info = s.handle ? core.parts().served.get(s.handle)?.info : undefined;
        if (!info) return [];
        const { id, version, precision, backend, handle } = info;
        return [{ id, version, precision, backend, handle, pages: new Set([...s.refs].map((r) => r.page)).size, refs: s.refs.size }];
      }),
    };
  }

  return {
    /** A facade for a newly connected page. */
    connect(): SharedHostApi {
      const page: Page = { metrics: new MetricsRegistry(), byHandle: new Map(), calls: new Set(), waiting: new Map(), gone: false };
      pages.add(page);
      return facade(page);
    },
    stats,
  };
}
