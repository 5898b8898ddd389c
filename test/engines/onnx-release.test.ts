// A big model's JavaScript copy is collected once its session is built (onnx-release.ts): the
// nudges' schedule with fake timers, and the real engine in Node, whose V8 — like an idle worker's —
// runs no collection on its own after the load.
import { describe, expect, it } from 'vitest';
import { createOnnxEngine } from '../../src/engines/onnx.js';
import { COLLECT_NUDGE_BYTES } from '../../src/engines/memory-limits.js';
import { COLLECT_WAIT_MS, collectNow, NUDGE_EVERY_MS, NUDGE_TRIES, nudgeWhile, type ReleaseHooks } from '../../src/engines/onnx-release.js';
import type { ModelSpec } from '../../src/manifest/schema.js';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { nodeEngineFiles } from '../fixtures/node-engine-files.js';

/** Timers queued, run by hand; allocations recorded. */
function fakeHooks() {
  const queue: { run: () => void; ms: number }[] = [];
  const allocated: number[] = [];
  const hooks: ReleaseHooks = { timer: (run, ms) => queue.push({ run, ms }), allocate: (bytes) => allocated.push(bytes) };
  const tick = () => queue.shift()?.run();
  return { hooks, queue, allocated, tick };
}

/** y = x · W, x [1, 64], W [64, 64] (16 KiB): enough bytes to be an ArrayBuffer of its own. */
function model(): Uint8Array {
  const vi = (name: string) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 64 }] } } } });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        initializer: [floatTensor('W', [64, 64], new Float32Array(64 * 64).fill(0.5))],
        input: [vi('x')],
        output: [vi('y')],
        node: [{ opType: 'MatMul', input: ['x', 'W'], output: ['y'] }],
      },
    }),
  ).finish();
}

const spec = { id: 'release', format: 'onnx' } as unknown as ModelSpec;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('collecting a model’s JavaScript copy', () => {
  it('a nudge is one allocation over V8’s 64 MiB external-memory soft limit', () => {
    expect(COLLECT_NUDGE_BYTES).toBeGreaterThan(64 * 1024 * 1024);
  });

  it('collectNow: one nudge, then a pause for the collection', async () => {
    const { hooks, queue, allocated, tick } = fakeHooks();
    let done = false;
    const waiting = collectNow(hooks).then(() => (done = true));
    expect(allocated).toEqual([COLLECT_NUDGE_BYTES]);
    expect(queue.map((t) => t.ms)).toEqual([COLLECT_WAIT_MS]);
    await Promise.resolve();
    expect(done).toBe(false);
    tick();
    await waiting;
    expect(done).toBe(true);
  });

  it('nudgeWhile: nudges every NUDGE_EVERY_MS while the bytes live, and stops once they are gone', () => {
    const { hooks, queue, allocated, tick } = fakeHooks();
    let alive = 3;
    nudgeWhile(() => alive-- > 0, hooks);
    expect(allocated).toEqual([]); // never in the load's own task
    expect(queue[0]!.ms).toBe(0);
    for (let i = 0; i < 10 && queue.length > 0; i++) tick();
    expect(allocated).toEqual([COLLECT_NUDGE_BYTES, COLLECT_NUDGE_BYTES, COLLECT_NUDGE_BYTES]);
    expect(queue).toEqual([]);
  });

  it('nudgeWhile: a caller that keeps its bytes gets NUDGE_TRIES nudges, then none', () => {
    const { hooks, queue, allocated, tick } = fakeHooks();
    nudgeWhile(() => true, hooks);
    for (let i = 0; i < NUDGE_TRIES * 2 && queue.length > 0; i++) {
      if (i > 0) expect(queue[0]!.ms).toBe(NUDGE_EVERY_MS);
      tick();
    }
    expect(allocated).toHaveLength(NUDGE_TRIES);
    expect(queue).toEqual([]);
  });

  it('the engine: from collectFrom, the model’s bytes are collected after the load without anyone forcing a collection', async () => {
    const collected = new Set<string>();
    const registry = new FinalizationRegistry<string>((name) => collected.add(name));
    const open = async (name: string, collectFrom: number) => {
      const files = [{ url: `https://cdn.example/${name}/model.onnx`, bytes: model() }];
      registry.register(files[0]!.bytes.buffer, name);
      const session = await createOnnxEngine(undefined, { collectFrom }).create(spec, files, 'wasm', { files: nodeEngineFiles(), wasmThreads: 1 });
      const y = (await session.run({ x: { dtype: 'float32', dims: [1, 64], data: new Float32Array(64).fill(1) } })).y!.data as Float32Array;
      expect(y[0]).toBe(32);
      return session;
    };
    // Below the threshold first, so the big one's nudges cannot collect the small one's bytes later.
    const small = await open('small', Number.POSITIVE_INFINITY);
    await sleep(1500);
    expect(collected.has('small')).toBe(false); // V8 collected nothing on its own meanwhile
    const big = await open('big', 0);
    for (let i = 0; i < 40 && !collected.has('big'); i++) await sleep(100);
    expect(collected.has('big')).toBe(true);
    await small.dispose();
    await big.dispose();
  });
});
