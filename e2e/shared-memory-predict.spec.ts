/**
 * On a cross-origin isolated page (this suite's pages are), predicts go through the
 * shared-memory channel once the worker is parked (src/shared-memory-channel.ts): same outputs
 * as the postMessage path, inputs detached as there, typed errors, big outputs sent back as a
 * message, and the worker still answers everything else.
 */
import { expect, openHarness, test } from './fixtures.js';

test('a stream of predicts goes through shared memory with the outputs postMessage gives', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate(async () => {
    const { edgeserve, inputs, channel } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('silero-vad');
    // A cancellable call always takes postMessage: the reference.
    const reference = await model.predict(inputs.sileroInput(3), { signal: new AbortController().signal });
    const same: boolean[] = [];
    let detached = true;
    // A call finds the worker parked once it has parked again after the last message (a
    // background-priority task, late on a loaded machine); one that missed it took postMessage,
    // so the next pause is twice as long (the worker stays parked a second after a predict).
    let shared = 0;
    const pauses: number[] = [];
    for (let ms = 10; same.length < 60 && shared < 15; ) {
      await channel.pause(ms);
      pauses.push(ms);
      const feed = inputs.sileroInput(3);
      const out = await model.predict(feed);
      detached &&= feed.input!.data.buffer.byteLength === 0;
      same.push(['output', 'stateN'].every((name) => channel.sameTensor(out[name]!, reference[name]!)));
      const now = await channel.sharedCalls(runtime, 'silero-vad');
      ms = now === shared ? Math.min(ms * 2, 320) : 10;
      shared = now;
    }
    // The worker answers other calls while it is parked, and parks again after them.
    const cached = await runtime.cache.list();
    await channel.pause();
    await model.predict(inputs.sileroInput(0));
    const calls = (await runtime.metrics()).models.find((m) => m.model === 'silero-vad')!.calls;
    runtime.dispose();
    return { isolated: crossOriginIsolated, same, detached, cached: cached.length, calls, shared, pauses };
  });
  console.log(`shared-memory calls: ${r.shared} of ${r.same.length}, pauses ${r.pauses.join(', ')} ms`);
  expect(r.isolated).toBe(true);
  expect(r.same.every(Boolean)).toBe(true);
  expect(r.detached).toBe(true);
  expect(r.cached).toBeGreaterThan(0);
  expect(r.calls).toBe(r.same.length + 2);
  // Fifteen calls found the worker parked, each after the worker had answered metrics() (a call
  // can miss it between two waits and take postMessage).
  expect(r.shared).toBeGreaterThanOrEqual(15);
});

test('bad input through shared memory is a typed BAD_INPUT and the next call still works', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate(async () => {
    const { edgeserve, inputs, channel } = window.harness;
    const { runtime, model } = await channel.parkedSilero();
    const before = await channel.sharedCalls(runtime, 'silero-vad');
    let after = before;
    let error: { code?: string; typed: boolean; message: string } | undefined;
    // As above: retried, with longer pauses, until the bad call finds the worker parked.
    for (let attempt = 0; attempt < 6 && after === before; attempt++) {
      await channel.pause(10 * 2 ** attempt);
      const bad = inputs.sileroInput(0);
      bad.state = edgeserve.tensor('float32', new Float32Array(2 * 64), [2, 1, 64]);
      error = await model.predict(bad).then(
        () => undefined,
        (e: unknown) => ({ code: (e as { code?: string }).code, typed: e instanceof edgeserve.EdgeServeError, message: (e as Error).message }),
      );
      await channel.pause();
      after = await channel.sharedCalls(runtime, 'silero-vad');
    }
    const ok = await model.predict(inputs.sileroInput(1));
    runtime.dispose();
    return { error, sharedCalls: after - before, okLength: ok.output!.data.length };
  });
  expect(r.error).toMatchObject({ code: 'BAD_INPUT', typed: true });
  expect(r.error!.message).toContain('state');
  expect(r.sharedCalls).toBe(1);
  expect(r.okLength).toBe(1);
});

test('an input buffer that cannot be detached fails that call as by postMessage, and the next call works', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate(async () => {
    const { edgeserve, inputs, channel } = window.harness;
    const { runtime, model } = await channel.parkedSilero();
    // WebAssembly memory cannot be detached (nor transferred).
    const feed = inputs.sileroInput(1);
    const memory = new Float32Array(new WebAssembly.Memory({ initial: 1 }).buffer, 0, 512);
    memory.set(feed.input!.data as Float32Array);
    feed.input = edgeserve.tensor('float32', memory, [1, 512]);
    const failed = await model.predict(feed).then(
      () => 'accepted',
      (e: unknown) => (e as Error).name,
    );
    await channel.pause();
    const next = await model.predict(inputs.sileroInput(2));
    runtime.dispose();
    return { failed, next: next.output!.data.length };
  });
  expect(r.failed).not.toBe('accepted');
  expect(r.next).toBe(1);
});

test('outputs too big for the shared buffer come back as a message, equal to postMessage', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate(async () => {
    const { edgeserve, inputs, channel } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const model = await runtime.load('ocr-rec');
    // 480 px wide: 60 steps × 6625 classes × 4 bytes = 1.6 MB of output, over the 1 MiB buffer.
    const reference = await model.predict(inputs.ocrRecInput(), { signal: new AbortController().signal });
    const name = Object.keys(reference)[0]!;
    // A call finds the worker parked only once it has parked after the last message (a
    // background-priority task, late on a loaded machine): try again, longer each time, until one does.
    let shared = 0;
    let same = true;
    let bytes = 0;
    for (let attempt = 0; attempt < 6 && shared === 0; attempt++) {
      await channel.pause(10 * 2 ** attempt);
      const out = await model.predict(inputs.ocrRecInput());
      bytes = out[name]!.data.byteLength;
      same &&= channel.sameTensor(out[name]!, reference[name]!);
      shared = await channel.sharedCalls(runtime, 'ocr-rec');
    }
    runtime.dispose();
    return { bytes, same, shared };
  });
  expect(r.bytes).toBeGreaterThan(1 << 20);
  expect(r.same).toBe(true);
  expect(r.shared).toBe(1);
});
