/**
 * The playground offers the fp16 and q4 variants `npm run models` ships and runs them beside fp32
 * and int8: ocr-rec (which has all four) on WASM, each card saying what ran, its size and speed,
 * what its gate measured at build, and a row of agreement with fp32 from this run.
 */
import { expect, test } from './fixtures.js';
import type { Page } from '@playwright/test';

const card = (page: Page, precision: string) => page.locator(`.variant[data-precision="${precision}"]`);
const stat = (page: Page, precision: string, key: string) => card(page, precision).locator(`dd[data-stat="${key}"]`);
const row = (page: Page, precision: string) => page.locator(`#agreements tr[data-precision="${precision}"]`);
const megabytes = async (page: Page, precision: string) => Number((await stat(page, precision, 'size').textContent())!.replace(' MB', ''));

test('ocr-rec: fp16 and q4 are shown and run beside fp32 and int8, each with its agreement', async ({ page }) => {
  await page.goto('/demo/?model=ocr-rec&backend=wasm&runs=2');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  const fp32 = await card(page, 'fp32').locator('.summary').textContent();
  expect(fp32).toBe('Served on this device');
  for (const precision of ['fp16', 'q4']) {
    await expect(card(page, precision)).toBeVisible();
    await expect(card(page, precision).locator('.ran li')).toHaveText([new RegExp(`^ocr-rec ${precision} v1\\.0\\.0 · onnx on WASM`)]);
    await expect(stat(page, precision, 'median')).toHaveText(/ms \(2 runs\)$/);
    await expect(card(page, precision).locator('.summary')).toHaveText(fp32!);
    // From the manifest: what the gate measured when npm run models built it, and what the precision changes.
    await expect(card(page, precision).locator('.built')).toContainText(/ocr-rec \(measured at build on 8 real samples\): softmax_11\.tmp_0: top-1 agrees \d+\.\d%/);
    await expect(card(page, precision).locator('.built')).toContainText(
      `${precision} ${precision === 'fp16' ? 'stores the weights as float16' : 'packs only MatMul/Gemm weights'}`,
    );
    await expect(card(page, precision)).toHaveAttribute('data-disagrees', 'false');
    // This run, against fp32: the decoded line, the best character at every CTC step, and the error.
    await expect(row(page, precision).locator('.agree-text')).toHaveText('100.0% of lines');
    await expect(row(page, precision).locator('.agree-top1')).toHaveText(/^\d+\.\d%$/);
    await expect(row(page, precision).locator('.agree-max')).toHaveText(/^\d\.\d\de-\d+$/);
    await expect(row(page, precision).locator('.agree-mean')).toHaveText(/^\d\.\d\de-\d+$/);
  }
  // Smaller downloads than fp32: fp16 about half, q4 about two thirds (only the MatMuls are 4-bit).
  const size = { fp32: await megabytes(page, 'fp32'), fp16: await megabytes(page, 'fp16'), q4: await megabytes(page, 'q4') };
  expect(size.fp16 / size.fp32).toBeCloseTo(0.5, 1);
  expect(size.q4 / size.fp32).toBeGreaterThan(0.5);
  expect(size.q4 / size.fp32).toBeLessThan(0.8);
  await page.screenshot({ path: test.info().outputPath('playground-precisions.png'), fullPage: true });
});

test('?precisions= narrows the comparison: fp32 and q4 only', async ({ page }) => {
  await page.goto('/demo/?model=ocr-cls&backend=wasm&runs=1&precisions=fp32,q4');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(card(page, 'q4').locator('.ran li')).toHaveText([/^ocr-cls q4 .* on WASM/]);
  await expect(card(page, 'int8')).toBeHidden();
  await expect(card(page, 'fp16')).toBeHidden();
  await expect(page.locator('#agreements tr')).toHaveCount(1);
  await expect(row(page, 'q4').locator('.agree-top1')).toHaveText('100.0%');
});
