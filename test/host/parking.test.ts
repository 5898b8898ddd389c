/**
 * The worker's parking (src/host/parking.ts) against a real second thread and real Atomics:
 * a parked worker serves a call written into shared memory, and a message the page posts
 * rings it out of its wait at once — with waits of a minute, a missed ring would time out.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_BYTES, ChannelState, ChannelView, STATE } from '../../src/shared-memory-channel.js';
import { tensor } from '../../src/index.js';

const threads: Worker[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.terminate()));
});

function start(view: ChannelView): Worker {
  // worker_threads do not take tsx from execArgv: the thread registers it, then imports the fixture.
  const url = new URL('../fixtures/parking-thread.ts', import.meta.url).href;
  const thread = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`, {
    eval: true,
    workerData: { buffer: view.buffer, windowMs: 60_000, sliceMs: 60_000 },
  });
  threads.push(thread);
  return thread;
}

/** As the page's link does: post, count, ring. */
function post(thread: Worker, view: ChannelView, message: unknown): Promise<unknown> {
  const answer = new Promise((resolve) => thread.once('message', resolve));
  thread.postMessage(message);
  view.countPosted();
  if (view.swap(ChannelState.Parked, ChannelState.Mail)) Atomics.notify(view.words, STATE);
  return answer;
}

async function until(view: ChannelView, state: ChannelState): Promise<void> {
  for (let i = 0; i < 500 && view.state !== state; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(view.state).toBe(state);
}

async function sharedCall(view: ChannelView, values: number[]): Promise<number[]> {
  expect(view.swap(ChannelState.Parked, ChannelState.Claimed)).toBe(true);
  view.write({ x: tensor('float32', Float32Array.from(values), [values.length]) }, { handle: 'h' });
  view.signal(ChannelState.Request);
  while (view.state === ChannelState.Request) {
    const wait = Atomics.waitAsync(view.words, STATE, ChannelState.Request);
    if (wait.async) await wait.value;
  }
  expect(view.state).toBe(ChannelState.Done);
  const out = [...(view.read().tensors.x!.data as Float32Array)];
  view.signal(ChannelState.Awake);
  return out;
}

describe('Parking', () => {
  it('parks after a call, serves calls through shared memory, and parks again after each', async () => {
    const view = new ChannelView(new SharedArrayBuffer(CHANNEL_BYTES));
    const thread = start(view);
    await post(thread, view, { type: 'predict' });
    await until(view, ChannelState.Parked);
    expect(await sharedCall(view, [1, 2.5])).toEqual([2, 5]);
    await until(view, ChannelState.Parked);
    expect(await sharedCall(view, [-3])).toEqual([-6]);
  });

  it('a message posted while parked is answered at once, and the worker parks again', async () => {
    const view = new ChannelView(new SharedArrayBuffer(CHANNEL_BYTES));
    const thread = start(view);
    await post(thread, view, { type: 'predict' });
    await until(view, ChannelState.Parked);
    // The wait would last a minute without the ring; the test's timeout is far shorter.
    expect(await post(thread, view, { type: 'ping' })).toEqual({ type: 'answer', to: 'ping' });
    await until(view, ChannelState.Parked);
    expect(await sharedCall(view, [4])).toEqual([8]);
  }, 10_000);
});
