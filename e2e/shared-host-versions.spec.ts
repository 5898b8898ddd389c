/**
 * On the shared host, a version switch reaches every page: an upgrade asked by one page and a
 * rollback asked by the other each fire both pages' onUpdate, and both pages' predicts then
 * run the new version (2.0.0 is made of the int8 file, so its answers differ).
 * The manifest comes from a server of the spec's own: Playwright's routing does not reach a
 * SharedWorker's fetches.
 */
import { expect, openHarness, test } from './fixtures.js';
import { withVersions } from './manifests.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer } from './static-server.js';
import type { Manifest, Model, ModelInfo, Runtime } from '../src/index.js';

type Shared = { sharedRuntime: Runtime; sharedModel: Model; updates: string[] };

let close: (() => Promise<void>) | undefined;
test.afterEach(() => close?.());

test("an upgrade and a rollback on the shared host fire every page's onUpdate", async ({ context }) => {
  let manifest: Manifest = withVersions('ocr-cls', ['1.0.0']);
  const server = await startStaticServer({
    port: sidePort(3),
    roots: [e2eBuildDir],
    headers: appHeaders,
    routes: { '/models/manifest.json': { type: 'application/json', body: () => JSON.stringify(manifest) } },
  });
  close = () => server.close();
  const manifestUrl = `${server.origin}/models/manifest.json`;
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openHarness(a), openHarness(b)]);
  for (const page of [a, b])
    await page.evaluate(async (manifestUrl) => {
      const runtime = window.harness.edgeserve.createRuntime({ host: 'shared', backend: 'wasm', storeName: 'shared-versions', manifestUrl });
      const updates: string[] = [];
      const model = await runtime.load('ocr-cls', { onUpdate: (info: ModelInfo) => updates.push(info.version) });
      Object.assign(window, { sharedRuntime: runtime, sharedModel: model, updates });
    }, manifestUrl);
  const state = (page: typeof a) =>
    page.evaluate(async () => {
      const w = window as unknown as Shared;
      const out = (await w.sharedModel.predict(window.harness.inputs.ocrClsInput()))['softmax_0.tmp_0']!;
      return { version: w.sharedModel.info().version, updates: [...w.updates], top: (out.data as Float32Array)[0]!, pages: (await w.sharedRuntime.info()).shared?.pages };
    });
  const before = await state(b);
  expect(before).toMatchObject({ version: '1.0.0', updates: [], pages: 2 });

  manifest = withVersions('ocr-cls', ['1.0.0', '2.0.0'], { kind: 'latest' }, { '2.0.0': 'int8' });
  const switched = await a.evaluate(async () => (await (window as unknown as Shared).sharedRuntime.refresh('ocr-cls')).map((i) => i.version));
  expect(switched).toEqual(['2.0.0']);
  await expect.poll(async () => (await state(b)).updates).toEqual(['2.0.0']);
  const [upgradedA, upgradedB] = [await state(a), await state(b)];
  expect(upgradedA).toMatchObject({ version: '2.0.0', updates: ['2.0.0'] });
  expect(upgradedB.version).toBe('2.0.0');
  expect(upgradedB.top).toBe(upgradedA.top);
  expect(upgradedB.top).not.toBe(before.top);

  const back = await b.evaluate(async () => (await (window as unknown as Shared).sharedRuntime.rollback('ocr-cls')).version);
  expect(back).toBe('1.0.0');
  await expect.poll(async () => (await state(a)).updates).toEqual(['2.0.0', '1.0.0']);
  const [rolledA, rolledB] = [await state(a), await state(b)];
  expect(rolledB).toMatchObject({ version: '1.0.0', updates: ['2.0.0', '1.0.0'], top: before.top });
  expect(rolledA.top).toBe(before.top);
});
