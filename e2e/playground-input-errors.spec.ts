/** The playground's own inputs failing: a file that is not an image, no camera — each named, not "Something went wrong". */
import { expect, test } from './fixtures.js';

test('a file that is not an image is named as such', async ({ page }) => {
  await page.goto('/demo/?model=ocr-cls&backend=wasm&runs=1&autorun=0');
  await expect(page.locator('#status')).toHaveText('Ready.');
  await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  await expect(page.locator('#error')).toBeVisible();
  await expect(page.locator('#error')).toHaveAttribute('data-code', 'BAD_INPUT');
  await expect(page.locator('#error-title')).toHaveText('This file is not an image');
  await expect(page.locator('#error-detail')).toContainText('"notes.txt" (text/plain)');
});

test('no camera is named as such', async ({ page }) => {
  // The OCR pipeline takes an image (ocr-cls alone takes a text line), so the camera button shows.
  await page.goto('/demo/?model=ocr&backend=wasm&runs=1&autorun=0');
  await expect(page.locator('#status')).toHaveText('Ready.');
  // Headless Chromium here has no camera device (and no fake one: no --use-fake-device-for-media-stream).
  await page.click('#camera');
  await expect(page.locator('#error')).toBeVisible();
  await expect(page.locator('#error')).toHaveAttribute('data-code', 'UNSUPPORTED');
  await expect(page.locator('#error-title')).toHaveText(/^(No camera available|The camera is not allowed)$/);
});
