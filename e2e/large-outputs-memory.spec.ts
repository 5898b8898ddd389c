/**
 * A model with many large outputs (a segmentation model's shape: here 12 outputs of 10 MiB, 120 MiB
 * a run, made in the test) runs 20 times and the page's memory stays flat: every output buffer is
 * transferred from the worker (its ArrayBuffers in the reply's transfer list: moved, not copied),
 * and neither the page's JS heap nor the browser's resident memory grows with the runs. A copy
 * left behind per run would be 120 MiB a run (2.3 GiB over 19).
 *
 * Memory is read the way a user feels it: the sum of VmRSS over Chromium's process tree
 * (bench/scale/proc-rss.ts), and the page's JS heap after a forced GC (as page-heap.spec.ts).
 */
import { createHash } from 'node:crypto';
import { browserTree } from '../bench/scale/proc-rss.js';
import type { Manifest } from '../src/manifest/schema.js';
import { onnx } from '../tools/onnx/onnx-proto.js';
import { floatTensor } from '../tools/onnx/tensor-data.js';
import { encodeGraph, floatInfo } from '../test/fixtures/onnx-graph.js';
import { expect, openHarness, test } from './fixtures.js';
import { serveManifest } from './manifests.js';

const OUTPUTS = 12;
const N = (10 * 1024 * 1024) / 4; // floats per output: 10 MiB
const RUN_BYTES = OUTPUTS * N * 4;
const RUNS = 20;

// y_i = Expand(x · (i + 1), [1, N]): a few hundred bytes of model, 120 MiB of outputs.
const model = Buffer.from(
  encodeGraph({
    name: 'wide',
    initializer: [
      { name: 'shape', dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1, N] },
      ...Array.from({ length: OUTPUTS }, (_, i) => floatTensor(`c${i}`, [1], Float32Array.of(i + 1))),
    ],
    input: [floatInfo('x', [1, 1])],
    output: Array.from({ length: OUTPUTS }, (_, i) => floatInfo(`y${i}`, [1, N])),
    node: Array.from({ length: OUTPUTS }, (_, i) => [
      { opType: 'Mul', input: ['x', `c${i}`], output: [`s${i}`] },
      { opType: 'Expand', input: [`s${i}`, 'shape'], output: [`y${i}`] },
    ]).flat(),
  }),
);
const manifest: Manifest = {
  schemaVersion: 1,
  models: [
    {
      id: 'wide',
      format: 'onnx',
      inputs: [{ name: 'x', dtype: 'float32', dims: [1, 1] }],
      outputs: Array.from({ length: OUTPUTS }, (_, i) => ({ name: `y${i}`, dtype: 'float32' as const, dims: [1, N] })),
      versions: [
        { version: '1.0.0', variants: [{ precision: 'fp32', files: [{ url: 'wide/wide.onnx', bytes: model.length, sha256: createHash('sha256').update(model).digest('hex') }] }] },
      ],
    },
  ],
};

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

test(`${OUTPUTS} outputs of 10 MiB, ${RUNS} runs: outputs transferred, page memory flat`, async ({ context, page }) => {
  test.setTimeout(300_000);
  await serveManifest(context, manifest);
  await context.route('**/models/wide/wide.onnx', (route) => route.fulfill({ body: model, contentType: 'application/octet-stream' }));
  // The runtime's worker: every postMessage's transferred bytes are counted there.
  const workerReady = page.waitForEvent('worker');
  await openHarness(page);
  await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', host: 'page', storeName: 'large-outputs' });
    const model = await runtime.load('wide');
    Object.assign(window, { wide: { runtime, model } });
  });
  const worker = await workerReady;
  await worker.evaluate(() => {
    const g = globalThis as unknown as { transferred: number; postMessage: (m: unknown, t?: Transferable[]) => void };
    g.transferred = 0;
    const count = (transfer: unknown) => {
      for (const t of (Array.isArray(transfer) ? transfer : ((transfer as { transfer?: unknown[] })?.transfer ?? [])) as unknown[]) {
        if (t instanceof ArrayBuffer) g.transferred += t.byteLength;
      }
    };
    const own = g.postMessage.bind(g);
    g.postMessage = (message, transfer) => (count(transfer), own(message, transfer as Transferable[]));
    const portPost = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, transfer?: unknown) {
      count(transfer);
      return (portPost as (m: unknown, t?: unknown) => void).call(this, message, transfer);
    } as typeof portPost;
  });

  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const tree = browserTree();
  const settled = async () => {
    for (let i = 0; i < 2; i++) {
      await cdp.send('HeapProfiler.collectGarbage');
      await page.waitForTimeout(300);
    }
    return { heap: (await cdp.send('Runtime.getHeapUsage')).usedSize, rss: tree.rss() };
  };
  /** One run: every output checked (its own 10 MiB buffer, its value), nothing kept. */
  const run = (i: number) =>
    page.evaluate(
      async ([i, N, OUTPUTS]) => {
        const { edgeserve } = window.harness;
        const { model } = (window as unknown as { wide: { model: import('../src/index.js').Model } }).wide;
        const out = await model.predict({ x: edgeserve.tensor('float32', Float32Array.of(i), [1, 1]) });
        const bad = Object.entries(out).filter(([name, t]) => {
          const k = Number(name.slice(1)) + 1;
          const data = t.data as Float32Array;
          return data.length !== N || data.buffer.byteLength !== N * 4 || data[0] !== i * k || data[N - 1] !== i * k;
        });
        return Object.keys(out).length === OUTPUTS ? bad.map(([name]) => name) : ['missing outputs'];
      },
      [i, N, OUTPUTS] as const,
    );

  expect(await run(1)).toEqual([]); // warm-up: the WASM heap grows to hold one run's outputs
  const before = await settled();
  const transferredBefore = await worker.evaluate(() => (globalThis as unknown as { transferred: number }).transferred);
  const rss: number[] = [];
  for (let i = 2; i <= RUNS; i++) {
    expect(await run(i), `run ${i}`).toEqual([]);
    if (i % 5 === 0) rss.push(tree.rss());
  }
  const after = await settled();
  const transferred = (await worker.evaluate(() => (globalThis as unknown as { transferred: number }).transferred)) - transferredBefore;
  console.log(
    `${RUNS - 1} runs of ${MiB(RUN_BYTES)}: transferred ${MiB(transferred)} from the worker (${(transferred / RUN_BYTES).toFixed(2)} run's outputs a run ×${RUNS - 1}); ` +
      `page heap ${MiB(before.heap)} → ${MiB(after.heap)}; browser RSS ${MiB(before.rss)} → ${MiB(after.rss)} (every 5 runs: ${rss.map(MiB).join(', ')})`,
  );
  await page.evaluate(() => (window as unknown as { wide: { runtime: import('../src/index.js').Runtime } }).wide.runtime.dispose());
  // Every output byte left the worker in a transfer list.
  expect(transferred).toBeGreaterThanOrEqual((RUNS - 1) * RUN_BYTES);
  expect(before.rss).toBeGreaterThan(0); // the browser's processes were found
  expect(after.heap - before.heap).toBeLessThan(4 * 2 ** 20);
  // Flat: well under one run's outputs (a run's copy kept would be 120 MiB each, 2.3 GiB in all).
  expect(after.rss - before.rss).toBeLessThan(RUN_BYTES / 2);
});
