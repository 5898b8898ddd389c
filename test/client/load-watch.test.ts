import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoadWatch, type LoadWedged } from '../../src/client/load-watch.js';

/** A worker's ping, answered (or not) as the test says: a blocked event loop answers nothing. */
function fakeWorker() {
  const worker = { blocked: false, pings: 0, held: [] as (() => void)[] };
  const ping = () => {
    worker.pings++;
    return new Promise<void>((resolve) => (worker.blocked ? worker.held.push(resolve) : setTimeout(resolve, 5)));
  };
  return { worker, ping };
}

describe('LoadWatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const clock = () => Date.now();

  it('keeps a long load of a live worker (ten minutes, pings answered) going', async () => {
    const wedged: LoadWedged[] = [];
    const { worker, ping } = fakeWorker();
    const watch = new LoadWatch(ping, (w) => wedged.push(w), 2000, clock);
    const done = watch.begin('big');
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(wedged).toEqual([]);
    expect(worker.pings).toBeGreaterThan(100);
    done();
    const before = worker.pings;
    await vi.advanceTimersByTimeAsync(60_000);
    // No load, no pings.
    expect(worker.pings).toBe(before);
  });

  it('declares the worker stuck when it leaves a ping unanswered for the bound during a load', async () => {
    const wedged: LoadWedged[] = [];
    const { worker, ping } = fakeWorker();
    const watch = new LoadWatch(ping, (w) => wedged.push(w), 2000, clock);
    watch.begin('det');
    await vi.advanceTimersByTimeAsync(30_000);
    worker.blocked = true;
    await vi.advanceTimersByTimeAsync(1999);
    expect(wedged).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(wedged).toHaveLength(1);
    expect(wedged[0]).toMatchObject({ model: 'det', boundMs: 2000 });
    expect(wedged[0]!.silentMs).toBeGreaterThanOrEqual(2000);
    expect(wedged[0]!.silentMs).toBeLessThan(3000);
  });

  it('forgives a busy worker that answers late, within the bound', async () => {
    const wedged: LoadWedged[] = [];
    const { worker, ping } = fakeWorker();
    const watch = new LoadWatch(ping, (w) => wedged.push(w), 2000, clock);
    watch.begin('rec');
    worker.blocked = true;
    await vi.advanceTimersByTimeAsync(1500);
    worker.blocked = false;
    for (const answer of worker.held.splice(0)) answer();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(wedged).toEqual([]);
  });

  it('is quiet after stop()', async () => {
    const wedged: LoadWedged[] = [];
    const { worker, ping } = fakeWorker();
    const watch = new LoadWatch(ping, (w) => wedged.push(w), 2000, clock);
    watch.begin('a');
    worker.blocked = true;
    watch.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(wedged).toEqual([]);
  });
});
