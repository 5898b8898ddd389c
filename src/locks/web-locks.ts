/**
 * Web Locks shared by every tab and worker of an origin: an exclusive lock so two tabs never
 * download the same model at once (the second waits, then finds it stored), and shared
 * "in use" locks so eviction in one tab skips models another tab is serving.
 */
interface HeldLock {
  name?: string;
}
interface LockManagerLike {
  request<T>(name: string, options: { mode?: 'shared' | 'exclusive'; signal?: AbortSignal }, callback: () => Promise<T> | T): Promise<T>;
  query(): Promise<{ held?: HeldLock[] }>;
}

/** navigator.locks, where it exists (secure contexts: https and localhost; pages and workers). */
export function locks(): LockManagerLike | undefined {
  return (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
}

/**
 * Runs `work` holding the origin-wide lock `name` (directly when Web Locks are missing). An
 * aborted `signal` stops the wait for the lock at once (another tab may hold it for the whole
 * of a long download) and rejects with `onAbort()`; once held, `work` watches the signal itself.
 */
export async function exclusive<T>(name: string, work: () => Promise<T>, signal?: AbortSignal, onAbort: () => Error = () => new DOMException('aborted', 'AbortError')): Promise<T> {
  if (signal?.aborted) throw onAbort();
  const manager = locks();
  if (!manager) return work();
  try {
    return await manager.request(name, { mode: 'exclusive', ...(signal ? { signal } : {}) }, work);
  } catch (error) {
    // The lock manager rejects a request aborted while waiting with its own AbortError.
    if (signal?.aborted && error instanceof DOMException && error.name === 'AbortError') throw onAbort();
    throw error;
  }
}

/** Marks `name` in use until the returned release function is called. */
export function holdShared(name: string): () => void {
  const manager = locks();
  if (!manager) return () => undefined;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  void manager.request(name, { mode: 'shared' }, () => held).catch(() => undefined);
  return release;
}

/** Names of locks held anywhere in the origin right now. */
export async function heldLockNames(): Promise<Set<string>> {
  const snapshot = await locks()?.query();
  return new Set((snapshot?.held ?? []).map((lock) => lock.name ?? ''));
}
