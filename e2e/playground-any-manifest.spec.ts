/**
 * The playground on a manifest of the user's own (?manifest=): a one-MatMul model the
 * playground has no subject for, made here with the project's ONNX writer and recorded by
 * `edgeserve pack`'s packModel, served from another origin. The card shows the load's phases
 * with bytes and rate, what ran (model.info()), and one predict on zero inputs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures.js';
import { appHeaders, sidePort, startStaticServer, type StaticServer } from './static-server.js';
import { matmulModelBytes } from '../test/fixtures/matmul-model.js';
import { packModel } from '../tools/pack.js';

const K = 2048;
const N = 2048; // W: 16 MiB of fp32, long enough a download for a rate
let dir = '';
let server: StaticServer | undefined;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeserve-any-manifest-'));
  writeFileSync(join(dir, 'model.onnx'), matmulModelBytes({ k: K, n: N, seed: 3 }));
  packModel(join(dir, 'model.onnx'), { manifest: join(dir, 'manifest.json'), id: 'my-matmul' });
  server = await startStaticServer({ port: sidePort(1), roots: [dir], headers: appHeaders });
});
test.afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('?manifest= loads a model the playground does not know, shows its load phases with bytes, what ran and one predict', async ({ page }) => {
  const manifest = `${server!.origin}/manifest.json`;
  await page.goto(`/demo/?manifest=${encodeURIComponent(manifest)}&backend=wasm&runs=1`);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(page.locator('#manifest-url')).toHaveValue(manifest);
  await expect(page.locator('#subject')).toHaveValue('my-matmul');
  const fp32 = page.locator('.variant[data-precision="fp32"]');
  const phases = fp32.locator('.phases li');
  const mb = '16\\.\\d\\d';
  await expect(fp32.locator('.phases li[data-phase="download"]')).toHaveText(new RegExp(`^my-matmul: downloading ${mb} / ${mb} MB · [\\d.]+ MB/s$`));
  await expect(fp32.locator('.phases li[data-phase="ready"]')).toHaveText(new RegExp(`^my-matmul: ready ${mb} / ${mb} MB`));
  // In the order they happened: nothing is stored yet, so cache → download → … → ready.
  const order = await phases.evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.phase));
  expect(order.indexOf('download')).toBeLessThan(order.indexOf('ready'));
  expect(order.at(-1)).toBe('ready');
  console.log(`phases: ${(await phases.allTextContents()).join(' | ')}`);
  await expect(fp32.locator('.ran li')).toHaveText([/^my-matmul fp32 v1\.0\.0 · onnx on WASM/]);
  await expect(fp32.locator('dd[data-stat="size"]')).toHaveText(new RegExp(`^${mb} MB$`));
  await expect(fp32.locator('dd[data-stat="load"]')).toHaveText(/ms over the network \(runtime \d+(\.\d)? ms\)$/);
  await expect(fp32.locator('dd[data-stat="first"]')).toHaveText(/\d ms$/);
  // x [batch, 2048] ran as [1, 2048] zeros.
  await expect(fp32.locator('.summary')).toHaveText(`y [1, ${N}] float32`);
  await expect(page.locator('.variant[data-precision="int8"]')).toContainText('No int8 variant of my-matmul');
  expect(server!.log).toEqual(expect.arrayContaining(['/manifest.json', '/model.onnx']));
  await page.screenshot({ path: test.info().outputPath('playground-any-manifest.png'), fullPage: true });
});

test('a manifest URL that is not there: the error display says so', async ({ page }) => {
  await page.goto(`/demo/?manifest=${encodeURIComponent(`${server!.origin}/nothing-here.json`)}&backend=wasm`);
  await expect(page.locator('#error')).toHaveAttribute('data-code', 'DOWNLOAD_FAILED');
  await expect(page.locator('#error-title')).toHaveText('The model list is missing on the server');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');
});
