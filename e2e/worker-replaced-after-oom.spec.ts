/**
 * A worker whose engine ran out of memory is replaced: onnxruntime-web's own allocation failure
 * (met for real on a 200-byte model that declares a tensor no wasm32 heap can hold:
 * test/fixtures/unallocatable-model.ts) reaches the page as MODEL_TOO_LARGE with
 * details.workerReplaced, the page ends that worker (its WebAssembly memory would never shrink),
 * and the next call runs on a new worker, where the model already loaded loads again from the store.
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../src/manifest/schema.js';
import { UNALLOCATABLE_DATA, unallocatableModel } from '../test/fixtures/unallocatable-model.js';
import { expect, openHarness, test } from './fixtures.js';
import { realManifest, serveManifest } from './manifests.js';

const { graph, data } = unallocatableModel();
const DIR = 'unallocatable/1.0.0';
const file = (name: string, bytes: Uint8Array) => ({ url: `${DIR}/${name}`, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });

function withUnallocatable(): Manifest {
  const manifest = realManifest();
  manifest.models.push({
    id: 'unallocatable',
    format: 'onnx',
    inputs: [{ name: 'x', dtype: 'float32', dims: [1] }],
    outputs: [{ name: 'y', dtype: 'float32', dims: [1] }],
    policy: { kind: 'latest' },
    versions: [{ version: '1.0.0', variants: [{ precision: 'fp32', files: [file('model.onnx', graph), file(UNALLOCATABLE_DATA, data)] }] }],
  });
  return manifest;
}

test('the engine running out of memory ends its worker; the next call runs on a new one', async ({ page, context }) => {
  await serveManifest(context, withUnallocatable());
  await context.route(`**/models/${DIR}/*`, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    return route.fulfill({ body: Buffer.from(name === UNALLOCATABLE_DATA ? data : graph), contentType: 'application/octet-stream' });
  });
  await openHarness(page);
  const runtimeWorkers = () => page.workers().filter((w) => w.url().includes('runtime.worker'));
  const outcome = await page.evaluate(async () => {
    const { edgeserve, defaultWorkerFactory, inputs } = window.harness;
    let started = 0;
    const runtime = edgeserve.createRuntime({
      backend: 'wasm',
      storeName: 'oom',
      workerFactory: (name) => {
        started++;
        return defaultWorkerFactory(name);
      },
    });
    const cls = await runtime.load('ocr-cls');
    const before = (await cls.predict(inputs.ocrClsInput()))['softmax_0.tmp_0']!.data as Float32Array;
    const failed = await runtime.load('unallocatable').then(
      () => undefined,
      (e: import('../src/index.js').EdgeServeError) => ({ code: e.code, message: e.message, details: e.details }),
    );
    Object.assign(window, { oom: { runtime, cls, before, started: () => started } });
    return { failed, started };
  });
  expect(outcome.failed).toMatchObject({ code: 'MODEL_TOO_LARGE', details: { reason: 'engine-allocation', workerReplaced: true } });
  expect(outcome.failed?.message).toMatch(/bad_alloc[\s\S]*worker is replaced/);
  expect(outcome.started).toBe(1);
  // The worker that holds the grown memory is gone before anything else is asked of the runtime.
  await expect.poll(() => runtimeWorkers().length).toBe(0);

  const after = await page.evaluate(async () => {
    const { inputs } = window.harness;
    const { runtime, cls, before, started } = (
      window as unknown as { oom: { runtime: import('../src/index.js').Runtime; cls: import('../src/index.js').Model; before: Float32Array; started: () => number } }
    ).oom;
    const out = (await cls.predict(inputs.ocrClsInput()))['softmax_0.tmp_0']!.data as Float32Array;
    const info = cls.info();
    runtime.dispose();
    return { same: out.every((v, i) => v === before[i]), fromCache: info.fromCache, workers: started() };
  });
  expect(after).toEqual({ same: true, fromCache: true, workers: 2 });
});
