/**
 * Versions: with 1.0.0 cached and 2.0.0 in the manifest, `load` serves 1.0.0 at once and
 * upgrades in the background while predictions keep flowing (none fails); `rollback` returns
 * to 1.0.0 with no download and 2.0.0 is not upgraded to again; a version that cannot load is
 * never switched to. 2.0.0 is made of the int8 file, so its answers differ from 1.0.0's: a
 * switch that only changed the label would be caught.
 */
import { expect, openHarness, test } from './fixtures.js';
import { countModelRequests, serveManifest, withVersions } from './manifests.js';

test('background upgrade while predicting, then rollback without a download', async ({ context, page }) => {
  const requests = countModelRequests(context);
  await serveManifest(context, withVersions('ocr-cls', ['1.0.0']));
  await openHarness(page);
  const first = await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'versions' });
    const model = await runtime.load('ocr-cls');
    runtime.dispose();
    return model.info();
  });
  expect(first).toMatchObject({ version: '1.0.0', fromCache: false });

  const two = withVersions('ocr-cls', ['1.0.0', '2.0.0'], { kind: 'latest' }, { '2.0.0': 'int8' });
  await serveManifest(context, two);
  await page.reload();
  await openHarness(page);
  const upgrade = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'versions' });
    let switched: (info: import('../src/index.js').ModelInfo) => void;
    const upgraded = new Promise<import('../src/index.js').ModelInfo>((resolve) => (switched = resolve));
    const model = await runtime.load('ocr-cls', { onUpdate: (info) => switched(info) });
    const atLoad = model.info();
    const outcomes: { version: string; top: number }[] = [];
    const failures: string[] = [];
    let done = false;
    const flow = (async () => {
      while (!done || outcomes.length < 5) {
        const version = model.info().version;
        await model.predict(inputs.ocrClsInput()).then(
          (out) => outcomes.push({ version, top: (out['softmax_0.tmp_0']!.data as Float32Array)[0]! }),
          (e: { code: string }) => failures.push(e.code),
        );
      }
    })();
    const info = await upgraded;
    done = true;
    await flow;
    const afterUpgrade = await model.predict(inputs.ocrClsInput());
    const cached = (await runtime.cache.list()).map((c) => c.version).sort();
    Object.assign(window, { versions: { runtime, model } });
    return {
      atLoad,
      info,
      failures,
      outcomes,
      cached,
      top: (afterUpgrade['softmax_0.tmp_0']!.data as Float32Array)[0]!,
      probs: [...(afterUpgrade['softmax_0.tmp_0']!.data as Float32Array)],
    };
  });
  expect(upgrade.atLoad).toMatchObject({ version: '1.0.0', fromCache: true });
  expect(upgrade.info).toMatchObject({ version: '2.0.0', previousVersion: '1.0.0', fromCache: false });
  expect(upgrade.failures).toEqual([]);
  expect(upgrade.outcomes.length).toBeGreaterThan(0);
  expect(upgrade.outcomes.every((o) => o.top > 0.9)).toBe(true);
  expect(upgrade.top).toBeGreaterThan(0.9);
  expect(upgrade.cached).toEqual(['1.0.0', '2.0.0']);
  expect(requests.forVersion('2.0.0')).toBe(1);

  const before = requests.all.length;
  const rolledBack = await page.evaluate(async () => {
    const { inputs } = window.harness;
    const { runtime, model } = (window as unknown as { versions: { runtime: import('../src/index.js').Runtime; model: import('../src/index.js').Model } }).versions;
    const result = await runtime.rollback('ocr-cls');
    const out = await model.predict(inputs.ocrClsInput());
    // The version rolled back from is not upgraded to again.
    const refreshed = await runtime.refresh('ocr-cls');
    runtime.dispose();
    return {
      result: result.version,
      info: model.info(),
      top: (out['softmax_0.tmp_0']!.data as Float32Array)[0]!,
      probs: [...(out['softmax_0.tmp_0']!.data as Float32Array)],
      refreshed: refreshed.length,
    };
  });
  expect(rolledBack).toMatchObject({ result: '1.0.0', info: { version: '1.0.0', previousVersion: '2.0.0' }, refreshed: 0 });
  expect(rolledBack.top).toBeGreaterThan(0.9);
  expect(requests.all.length).toBe(before); // zero downloads for the rollback

  await page.reload();
  await openHarness(page);
  const afterReload = await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'versions' });
    const model = await runtime.load('ocr-cls');
    await runtime.refresh('ocr-cls');
    runtime.dispose();
    return model.info().version;
  });
  expect(afterReload).toBe('1.0.0');

  // What each version answers, loaded on its own (explicit versions, a store of their own):
  // the upgrade really ran 2.0.0's bytes, the rollback really runs 1.0.0's again.
  const reference = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'versions-reference' });
    const probs = async (version: string) => [...((await (await runtime.load('ocr-cls', { version })).predict(inputs.ocrClsInput()))['softmax_0.tmp_0']!.data as Float32Array)];
    const result = { v1: await probs('1.0.0'), v2: await probs('2.0.0') };
    runtime.dispose();
    return result;
  });
  expect(reference.v2).not.toEqual(reference.v1);
  expect(upgrade.probs).toEqual(reference.v2);
  expect(rolledBack.probs).toEqual(reference.v1);
});

test('a new version that fails to load is never switched to', async ({ context, page }) => {
  await serveManifest(context, withVersions('ocr-cls', ['1.0.0']));
  await openHarness(page);
  await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'bad-version' });
    await runtime.load('ocr-cls');
    runtime.dispose();
  });
  // 3.0.0 lists bytes whose hash matches (so the download is accepted) but which are not an ONNX model.
  const broken = withVersions('ocr-cls', ['1.0.0', '3.0.0']);
  const text = Buffer.from('this is not an onnx model, but its hash is right');
  const { createHash } = await import('node:crypto');
  broken.models[0]!.versions[1]!.variants[0]!.files = [{ url: 'ocr-cls/not-a-model.onnx', bytes: text.length, sha256: createHash('sha256').update(text).digest('hex') }];
  await context.route('**/models/ocr-cls/not-a-model.onnx', (route) => route.fulfill({ body: text }));
  await serveManifest(context, broken);

  const result = await page.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'bad-version' });
    const model = await runtime.load('ocr-cls');
    const refresh = await runtime.refresh('ocr-cls').then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );
    const out = await model.predict(inputs.ocrClsInput());
    runtime.dispose();
    return { refresh, info: model.info(), top: (out['softmax_0.tmp_0']!.data as Float32Array)[0]! };
  });
  expect(result.refresh).toBe('UNSUPPORTED');
  expect(result.info.version).toBe('1.0.0');
  expect(result.info.updateError).toMatch(/3\.0\.0|session/);
  expect(result.top).toBeGreaterThan(0.9);
});
