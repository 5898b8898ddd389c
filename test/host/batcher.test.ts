import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { Batcher } from '../../src/host/batcher.js';
import type { TensorMap } from '../../src/protocol.js';

const row = (value: number, width = 3): TensorMap => ({ x: { dtype: 'float32', dims: [1, width], data: new Float32Array(width).fill(value) } });
/** The "model": y = 2x, row by row, recording the batch sizes it was given. */
function doubler(seen: number[], failOn?: number) {
  return async (inputs: TensorMap): Promise<TensorMap> => {
    const x = inputs.x!;
    seen.push(x.dims[0]!);
    const data = x.data as Float32Array;
    if (failOn !== undefined && data.includes(failOn)) throw new Error(`cannot take ${failOn}`);
    return { y: { dtype: 'float32', dims: [...x.dims], data: data.map((v) => v * 2) } };
  };
}

describe('Batcher', () => {
  it('merges waiting calls into one run and splits the results back per caller', async () => {
    const seen: number[] = [];
    const batcher = new Batcher(doubler(seen), { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 2000 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((v) => batcher.submit(row(v))));
    expect(seen).toEqual([5]);
    results.forEach((r, i) => {
      expect([...(r.outputs.y!.data as Float32Array)]).toEqual([2 * (i + 1), 2 * (i + 1), 2 * (i + 1)]);
      expect(r.outputs.y!.dims).toEqual([1, 3]);
      expect(r.stats.batchSize).toBe(5);
    });
  });

  it('with no queue delay, merges the calls that arrived while the engine was busy', async () => {
    const seen: number[] = [];
    let later: Promise<unknown>[] = [];
    const slow = async (inputs: TensorMap) => {
      // Four more calls arrive while the first run is in the engine (not raced against a timer:
      // two 10 ms timers on a loaded CI machine fired in either order).
      if (seen.length === 0) later = [2, 3, 4, 5].map((v) => batcher.submit(row(v)));
      await new Promise((r) => setTimeout(r, 10));
      return doubler(seen)(inputs);
    };
    const batcher = new Batcher(slow, { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 0 });
    await batcher.submit(row(1));
    await Promise.all(later);
    expect(seen).toEqual([1, 4]);
  });

  it('respects the max batch size and only merges calls of the same shape', async () => {
    const seen: number[] = [];
    const batcher = new Batcher(doubler(seen), { enabled: true, maxBatchSize: 2, maxQueueDelayUs: 2000 });
    await Promise.all([batcher.submit(row(1)), batcher.submit(row(2, 4)), batcher.submit(row(3)), batcher.submit(row(4))]);
    expect(seen).toEqual([2, 1, 1]);
  });

  it('fills a batch only up to the memory budget, and runs the rest in the next batch', async () => {
    const seen: number[] = [];
    const batcher = new Batcher(doubler(seen), { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 2000 });
    // 12 bytes a row, 1 byte of memory per input byte: 40 bytes hold three rows.
    const budget = { maxBytes: 40, bytesPerInputByte: 1 };
    const results = await Promise.all([1, 2, 3, 4, 5].map((v) => batcher.submit(row(v), undefined, budget)));
    expect(seen).toEqual([3, 2]);
    expect(results.map((r) => (r.outputs.y!.data as Float32Array)[0])).toEqual([2, 4, 6, 8, 10]);
  });

  it('refuses with BAD_INPUT a call whose own run is over the budget, and serves the others', async () => {
    const seen: number[] = [];
    const batcher = new Batcher(doubler(seen), { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 2000 });
    const budget = { maxBytes: 40, bytesPerInputByte: 1 };
    const outcomes = await Promise.allSettled([batcher.submit(row(1), undefined, budget), batcher.submit(row(2, 12), undefined, budget)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(BadInputError);
    expect(seen).toEqual([1]);
  });

  it('gives each caller its own error when a merged run fails', async () => {
    const seen: number[] = [];
    const batcher = new Batcher(doubler(seen, 13), { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 2000 });
    const outcomes = await Promise.allSettled([1, 13, 3].map((v) => batcher.submit(row(v))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(seen).toEqual([3, 1, 1, 1]);
  });

  it('runs one call at a time when batching is off, and cancels queued calls', async () => {
    const seen: number[] = [];
    const batcher = new Batcher(doubler(seen), { enabled: false, maxBatchSize: 1, maxQueueDelayUs: 0 });
    const calls = [batcher.submit(row(1), 'a'), batcher.submit(row(2), 'b'), batcher.submit(row(3), 'c')];
    expect(batcher.cancel('c')).toBe(true);
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(seen).toEqual([1, 1]);
    expect(batcher.cancel('a')).toBe(false);
  });

  it('with batching off, yields between runs: a call cancelled by a message during a run is never computed', async () => {
    const seen: number[] = [];
    // As single-threaded WASM does: the run blocks the thread, then settles through microtasks only.
    const blocking = (inputs: TensorMap): Promise<TensorMap> => {
      const until = performance.now() + 5;
      while (performance.now() < until);
      return doubler(seen)(inputs);
    };
    const batcher = new Batcher(blocking, { enabled: false, maxBatchSize: 1, maxQueueDelayUs: 0 });
    // The page's messages, in the order it posted them, each a task of its own as in a worker:
    // three predicts, then the cancels for them, all arriving while the first run blocks.
    const page = new MessageChannel();
    const later: Promise<unknown>[] = [];
    page.port1.onmessage = ({ data }: MessageEvent<{ op: 'submit' | 'cancel'; id: string }>) => {
      if (data.op === 'submit')
        later.push(
          batcher.submit(row(2), data.id).then(
            () => 'OK',
            () => 'CANCELLED',
          ),
        );
      else batcher.cancel(data.id);
    };
    const first = batcher.submit(row(1), 'a');
    for (const id of ['b', 'c', 'd']) page.port2.postMessage({ op: 'submit', id });
    for (const id of ['b', 'c', 'd']) page.port2.postMessage({ op: 'cancel', id });
    await first;
    await new Promise((resolve) => setTimeout(resolve, 50));
    page.port1.close();
    expect(await Promise.all(later)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(seen).toEqual([1]);
  });
});
