/**
 * What a page and the shared host (a SharedWorker serving every same-origin page with the same
 * configuration: host/shared-host.ts) say beyond the WorkerApi: the page's hello, the host's
 * answer, and the host's own figures. Page side: client/shared-host-link.ts.
 */
import type { WorkerApi } from './protocol.js';

/** The first message on a shared host's port carries the page's own channel to it (a MessagePort). */
export const CONNECT_KEY = 'edgeserveConnect';

export interface PageHello {
  /** A Web Lock the page holds for as long as it uses the host: granted to the host when the page is gone. */
  pageLock: string;
}

/** What the shared host found about itself, measured in its own global scope. */
export interface SharedHostScope {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  /** Whether the host can start workers (onnxruntime-web's WASM threads are workers). */
  nestedWorkers: boolean;
}

export interface HostHello {
  /** The Web Lock the host holds for its life (locks/life-lock.ts): granted to the page when it is gone. */
  lifeLock: string;
  scope: SharedHostScope;
}

export interface SharedSessionStats {
  id: string;
  version: string;
  precision: string;
  backend: string;
  handle: string;
  /** Pages holding this session, and how many loads of it they hold. */
  pages: number;
  refs: number;
}

export interface SharedHostStats {
  pages: number;
  /** Sessions opened by the host (a load that joined an open or opening session is not one). */
  sessionsOpened: number;
  /** Loads answered from a session another load opened or was opening. */
  loadsJoined: number;
  sessions: SharedSessionStats[];
}

export interface SharedHostApi extends WorkerApi {
  attach(hello: PageHello): Promise<HostHello>;
  stats(): Promise<SharedHostStats>;
}

/** The shared worker's name: one host per store and configuration, `#g<N>` its generation (stuck hosts are left behind). */
export const sharedHostName = (base: string, generation: number): string => `${base}#g${generation}`;

/** A page that found generation N stuck holds this lock (shared) while it lives: later pages start after it. */
export const stuckMarker = (name: string): string => `edgeserve-stuck:${name}`;

/** The BroadcastChannel on which pages ask a stuck host to close itself. */
export const closeChannel = (name: string): string => `edgeserve-close:${name}`;
