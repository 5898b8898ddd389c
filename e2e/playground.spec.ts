/** The playground (demo/): fp32 beside int8, fp16 and q4, real inputs, what ran, latency and agreement. */
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures.js';
import type { Page } from '@playwright/test';

const card = (page: Page, precision: string) => page.locator(`.variant[data-precision="${precision}"]`);
const stat = (page: Page, precision: string, key: string) => card(page, precision).locator(`dd[data-stat="${key}"]`);

async function hasVariant(page: Page, ids: string[], precision = 'int8'): Promise<boolean> {
  const manifest = (await (await page.request.get('/models/manifest.json')).json()) as { models: { id: string; versions: { variants: { precision: string }[] }[] }[] };
  return manifest.models.some((m) => ids.includes(m.id) && m.versions[0]!.variants.some((v) => v.precision === precision));
}
const agreementRow = (page: Page, precision: string) => page.locator(`#agreements tr[data-precision="${precision}"]`);

test('compares fp32 and int8 of the OCR pipeline; a picked image is read from the device cache', async ({ page }) => {
  // auto on SwiftShader: the runtime skips the software adapter, and the card says why.
  await page.goto('/demo/?model=ocr&backend=auto&runs=2&sample=receipt&precisions=fp32,int8');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  const fp32 = card(page, 'fp32');
  await expect(fp32.locator('.ran li')).toHaveText([/ocr-det fp32 .* onnx on WASM/, /ocr-cls fp32 .* onnx on WASM/, /ocr-rec fp32 .* onnx on WASM/]);
  await expect(fp32.locator('.note')).toHaveText(/^Not on WebGPU: the WebGPU adapter is software/);
  await expect(stat(page, 'fp32', 'size')).toHaveText(/^1\d\.\d\d MB$/);
  await expect(stat(page, 'fp32', 'load')).toContainText('over the network');
  for (const key of ['first', 'median', 'p95']) await expect(stat(page, 'fp32', key)).toHaveText(/\d ms/);
  await expect(stat(page, 'fp32', 'median')).toContainText('(2 runs)');
  await expect(fp32.locator('.summary')).toHaveText('EDGE CAFE · Espresso 2.40 · Croissant 3.10 · Total 5.50');
  await expect(fp32.locator('canvas.view')).toBeVisible();
  if (await hasVariant(page, ['ocr-det', 'ocr-cls', 'ocr-rec'])) {
    await expect(card(page, 'int8').locator('.ran li')).toHaveText([/int8/, /int8/, /int8/]);
    // What each variant's quality gate measured at build time, from the manifest; none disagrees.
    await expect(card(page, 'int8').locator('.built')).toContainText(/ocr-det \(measured at build on \d+ .*decisions at 0\.5 agree/);
    await expect(card(page, 'int8').locator('.built')).toContainText(/ocr-rec \(measured at build .*top-1 agrees/);
    await expect(card(page, 'int8')).toHaveAttribute('data-disagrees', 'false');
    await expect(agreementRow(page, 'int8').locator('.agree-top1')).toHaveText(/^\d+\.\d%$/);
    await expect(agreementRow(page, 'int8').locator('.agree-text')).toHaveText(/% of lines$/);
    await expect(agreementRow(page, 'int8').locator('.agree-max')).toHaveText(/e[-+]\d+$/);
    // Unchosen precisions get no card and no row.
    await expect(card(page, 'fp16')).toBeHidden();
    await expect(agreementRow(page, 'fp16')).toHaveCount(0);
  } else {
    await expect(card(page, 'int8')).toContainText('No int8 variant');
  }
  // chart.js drew a line per variant that ran: pixels of the variant's colour across the plot
  // (the legend's swatch alone is 40 px wide; a line between two runs spans the plot's width).
  const columns = await page.evaluate(() => {
    const canvas = document.getElementById('chart') as HTMLCanvasElement;
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const colours = { fp32: [0x2f, 0x5b, 0xea], int8: [0xe0, 0x74, 0x2b] };
    const spans: Record<string, number> = {};
    for (const [name, [r, g, b]] of Object.entries(colours)) {
      const seen = new Set<number>();
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = (y * width + x) * 4;
          if (data[i + 3]! > 200 && Math.abs(data[i]! - r!) < 24 && Math.abs(data[i + 1]! - g!) < 24 && Math.abs(data[i + 2]! - b!) < 24) seen.add(x);
        }
      }
      spans[name] = seen.size;
    }
    return { fp32: spans.fp32 ?? 0, int8: spans.int8 ?? 0, width };
  });
  expect(columns.fp32).toBeGreaterThan(Math.min(120, columns.width / 3));
  if (await hasVariant(page, ['ocr-det', 'ocr-cls', 'ocr-rec'])) expect(columns.int8).toBeGreaterThan(Math.min(120, columns.width / 3));
  await page.screenshot({ path: test.info().outputPath('playground-ocr.png'), fullPage: true });

  await page.setInputFiles('#file', fileURLToPath(new URL('../public/samples/hello.png', import.meta.url)));
  await page.fill('#runs', '1');
  await page.click('#run');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(fp32.locator('.summary')).toHaveText('Hello from · another origin');
  await expect(stat(page, 'fp32', 'load')).toContainText('from the device cache');
  await expect(page.locator('#cache-usage')).toHaveText(/MB of models on this device/);
  await page.click('#clear');
  await expect(page.locator('#status')).toContainText('Model cache cleared');
});

test('WebGPU: ocr-cls runs on the adapter and the card says so', async ({ page }) => {
  // SwiftShader compiles shaders on the CPU: a loaded machine stretches it.
  test.slow();
  // fp32 and int8 only: each further precision is another SwiftShader compile (~10 s here), tested in webgpu-precisions.
  await page.goto('/demo/?model=ocr-cls&backend=webgpu&runs=1&precisions=fp32,int8');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(card(page, 'fp32').locator('.ran li')).toHaveText([/ocr-cls fp32 .* onnx on WebGPU/]);
  await expect(card(page, 'fp32').locator('.summary')).toHaveText(/^upright \(\d+\.\d%\)$/);
  await page.screenshot({ path: test.info().outputPath('playground-webgpu.png'), fullPage: true });
});
