/**
 * At most one progress message per `intervalMs` (20 a second by default) reaches the page:
 * each is a postMessage round trip, and a big download yields thousands of network chunks.
 * The first and the last message of each phase always go through (the last is the one whose
 * `loaded` reaches `total`, or the one pending when the next phase starts), so a page sees
 * every phase begin and end; one held back meanwhile goes out once its interval is over.
 */
import type { LoadProgress } from '../protocol.js';

export const PROGRESS_INTERVAL_MS = 50;

type Progress = Omit<LoadProgress, 'id'>;

export interface ProgressThrottle {
  (progress: Progress): void;
  /** Sends what is held back now (a load that ends or fails). */
  flush(): void;
}

export function throttleProgress(
  send: (progress: Progress) => void,
  intervalMs = PROGRESS_INTERVAL_MS,
  now: () => number = () => performance.now(),
  timers: { set: (fn: () => void, ms: number) => unknown; clear: (id: unknown) => void } = {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  },
): ProgressThrottle {
  let phase: Progress['phase'] | undefined;
  let sentAt = -Infinity;
  let held: Progress | undefined;
  let timer: unknown;
  const emit = (p: Progress) => {
    held = undefined;
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    sentAt = now();
    send(p);
  };
  const flush = () => {
    if (held) emit(held);
  };
  const throttled = (p: Progress) => {
    if (p.phase !== phase) {
      flush(); // the previous phase's last
      phase = p.phase;
      return emit(p);
    }
    const final = p.total > 0 && p.loaded >= p.total;
    const wait = intervalMs - (now() - sentAt);
    if (final || wait <= 0) return emit(p);
    held = p;
    timer ??= timers.set(flush, wait);
  };
  return Object.assign(throttled, { flush });
}
