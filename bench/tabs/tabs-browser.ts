/** Opening tabs of the tabs page in a fresh browser, isolated or not, and calling into them. */
import type { BrowserContext, Page } from '@playwright/test';
import type { TabLoad, TabOpen } from '../pages/tabs-page.js';
import { maxAbsDiff } from '../scale/model-spec.js';
import type { TabRecord } from './tabs-results.js';

/** The page's query when it is served without COOP/COEP (the route below strips them). */
const NOT_ISOLATED = 'isolated=0';
const DROPPED = new Set(['cross-origin-opener-policy', 'cross-origin-embedder-policy']);

/**
 * Serves the tabs page without cross-origin isolation when asked (`?isolated=0`): only the
 * document's headers decide it, and its workers inherit it, so only that response is rewritten.
 */
export async function routeNotIsolated(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => url.pathname.endsWith('/tabs.html') && url.search.includes(NOT_ISOLATED),
    async (route) => {
      const response = await route.fetch();
      const headers = Object.fromEntries(Object.entries(response.headers()).filter(([k]) => !DROPPED.has(k.toLowerCase())));
      await route.fulfill({ response, headers });
    },
  );
}

export async function openTabs(context: BrowserContext, baseUrl: string, n: number, isolated = true): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/bench/pages/tabs.html${isolated ? '' : `?${NOT_ISOLATED}`}`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 60_000 });
    pages.push(page);
  }
  return pages;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** The first lines of an error, without stack frames (which name bundle chunks). */
export const errorText = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e))
    .split('\n')
    .slice(0, 2)
    .join(' ')
    .replace(/\s+at \S+ \(\S+\)/g, '')
    .slice(0, 300);

/** Opens a runtime in a tab; an expected output (scale models) is checked here and the values dropped. */
export async function openIn(page: Page, o: TabOpen, timeoutMs: number, expected?: number[]): Promise<TabRecord> {
  const { y, ...load }: TabLoad = await withTimeout(
    page.evaluate((x) => window.tabs.open(x), o),
    timeoutMs,
    `load ${o.model} (${o.key})`,
  );
  return { ...load, ...(expected && y ? { maxAbsDiff: maxAbsDiff(y, expected) } : {}) };
}

export async function disposeTabs(pages: Page[]): Promise<void> {
  for (const page of pages)
    await withTimeout(
      page.evaluate(() => window.tabs.dispose()),
      10_000,
      'dispose',
    ).catch(() => undefined);
  for (const page of pages) await page.close().catch(() => undefined);
}
