/** The progress throttle on a fake clock: ~20 a second, every phase's first and last always sent. */
import { describe, expect, it } from 'vitest';
import { throttleProgress } from '../../src/host/progress-throttle.js';
import type { LoadProgress } from '../../src/protocol.js';

type P = Omit<LoadProgress, 'id'>;

function fakeClock() {
  let now = 0;
  const due: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    timers: {
      set: (fn: () => void, ms: number) => {
        const timer = { at: now + ms, fn };
        due.push(timer);
        return timer;
      },
      clear: (timer: unknown) => void due.splice(due.indexOf(timer as (typeof due)[number]), 1),
    },
    advance(ms: number) {
      now += ms;
      for (const timer of due.filter((t) => t.at <= now)) {
        due.splice(due.indexOf(timer), 1);
        timer.fn();
      }
    },
  };
}

describe('throttleProgress', () => {
  it('sends at most one message per 50 ms within a phase, and always its first and last', () => {
    const clock = fakeClock();
    const sent: P[] = [];
    const progress = throttleProgress((p) => sent.push(p), 50, clock.now, clock.timers);
    progress({ phase: 'cache', loaded: 0, total: 1000 });
    // 1,000 network chunks over one second.
    for (let i = 1; i <= 1000; i++) {
      clock.advance(1);
      progress({ phase: 'download', loaded: i, total: 1000 });
    }
    progress({ phase: 'store', loaded: 1000, total: 1000 });
    const downloads = sent.filter((p) => p.phase === 'download');
    expect(downloads.length).toBeLessThanOrEqual(22);
    expect(downloads[0]!.loaded).toBe(1);
    expect(downloads.at(-1)!.loaded).toBe(1000);
    expect(sent.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(['cache', 'download', 'store']);
  });

  it('sends a held-back message once its interval is over, and the pending one when the phase changes', () => {
    const clock = fakeClock();
    const sent: P[] = [];
    const progress = throttleProgress((p) => sent.push(p), 50, clock.now, clock.timers);
    progress({ phase: 'download', loaded: 1, total: 100 });
    clock.advance(10);
    progress({ phase: 'download', loaded: 2, total: 100 });
    expect(sent.map((p) => p.loaded)).toEqual([1]);
    clock.advance(40); // a stall: the held message still arrives
    expect(sent.map((p) => p.loaded)).toEqual([1, 2]);
    clock.advance(5);
    progress({ phase: 'download', loaded: 3, total: 100 });
    progress({ phase: 'compile', loaded: 0, total: 0 });
    expect(sent.map((p) => `${p.phase} ${p.loaded}`)).toEqual(['download 1', 'download 2', 'download 3', 'compile 0']);
  });
});
