/**
 * Knowing when a worker dies. A dead worker sends nothing — no event fires on the page when it
 * is closed, crashes or runs out of memory — and Comlink would wait forever. So the worker
 * holds a Web Lock named after itself for its whole life, and the page queues a request for
 * the same lock: the browser grants it exactly when the worker's realm is gone.
 */
import { locks } from './web-locks.js';

/**
 * Worker side: hold the lock until the worker ends. Resolves once the lock is held: the page
 * must not queue its request before that (requests from two threads reach the lock manager
 * in no promised order), so the worker's init waits for it.
 */
export function holdLifeLock(name: string): Promise<void> {
  const manager = locks();
  if (!name || !manager) return Promise.resolve();
  return new Promise<void>((held) => {
    void manager.request(name, {}, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
}

/**
 * Page side: call `onDeath` once the worker holding `name` is gone. Returns a function that
 * stops watching (for a deliberate terminate). Without Web Locks (insecure contexts) returns
 * false, and only worker `error` events reveal a crash.
 */
export function watchLifeLock(name: string, onDeath: () => void): { stop: () => void; supported: boolean } {
  const manager = locks();
  if (!manager) return { stop: () => undefined, supported: false };
  const controller = new AbortController();
  manager.request(name, { signal: controller.signal }, () => onDeath()).catch(() => undefined);
  return { stop: () => controller.abort(), supported: true };
}
