/**
 * Specs about what a returning visitor's browser keeps: a browser on a real profile directory
 * (Playwright's usual contexts keep their HTTP cache in memory, which does not take the engine's
 * 14 MB .wasm), and the runtime worker's own record of how it got the engine's .wasm.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type BrowserContext, type BrowserType, type LaunchOptions, type Page } from '@playwright/test';

/** A browser on a new profile directory; removed with it. */
export async function withProfile<T>(browserType: BrowserType, launchOptions: LaunchOptions, work: (context: BrowserContext) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeserve-e2e-profile-'));
  const context = await browserType.launchPersistentContext(dir, launchOptions);
  try {
    return await work(context);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The runtime worker's fetches of a .wasm, in order, as Resource Timing saw them (`transferSize` 0: from the HTTP cache). */
export async function engineWasmFetches(page: Page): Promise<{ transferSize: number }[]> {
  const worker = page.workers().find((w) => w.url().includes('runtime.worker'));
  if (!worker)
    throw new Error(
      `no runtime worker among ${page
        .workers()
        .map((w) => w.url())
        .join(', ')}`,
    );
  return worker.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => new URL(e.name).pathname.endsWith('.wasm'))
      .map((e) => ({ transferSize: e.transferSize })),
  );
}

/**
 * Waits until the device copies of the engine's files (`names`, e.g. '.wasm') are in Cache
 * Storage: a first visit writes them once the worker pauses (engine-file-cache.ts `flush`),
 * so a visit that closes its page at once may keep none.
 */
export async function engineCopiesWritten(page: Page, names: string[] = ['.wasm', '.mjs'], timeout = 15_000): Promise<void> {
  const missing = async () => {
    const kept: string[] = await page.evaluate(async () => (await (await caches.open('edgeserve-engines')).keys()).map((r) => new URL(r.url).pathname));
    return names.filter((name) => !kept.some((path) => path.endsWith(name)));
  };
  await expect.poll(missing, { timeout, message: 'the engine files kept on the device' }).toEqual([]);
}
