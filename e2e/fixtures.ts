/** Shared helpers: open the harness page and wait until it exposes `window.harness`. */
import { test as base, expect, type Page } from '@playwright/test';

export async function openHarness(page: Page): Promise<void> {
  await page.goto('/e2e/pages/harness.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

export const test = base;
export { expect };
