/** Opening the bench page in a browser context and calling its steps (typed via BenchPage). */
import type { BrowserContext, Page } from '@playwright/test';
import type { BenchPage } from '../pages/bench-page.js';

export async function openBench(context: BrowserContext, baseUrl: string, threads: number, log: (line: string) => void): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    // ORT logs its node-placement notes as console errors ("[W:onnxruntime…"): not failures.
    if (m.type() === 'error' && !m.text().includes('onnxruntime')) log(`  [page error] ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => log(`  [page exception] ${e.message.slice(0, 300)}`));
  await page.goto(`${baseUrl}/bench/pages/bench.html?threads=${threads}`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 60_000 });
  return page;
}

type Steps = BenchPage;
type StepName = keyof Steps;

/** page.evaluate of one step of window.bench, with its arguments serialised as JSON. */
export function step<K extends StepName>(page: Page, name: K, ...args: Parameters<Steps[K]>): Promise<Awaited<ReturnType<Steps[K]>>> {
  return page.evaluate(([n, a]) => (window.bench[n as StepName] as (...x: unknown[]) => Promise<unknown>)(...(a as unknown[])), [name, args] as const) as Promise<
    Awaited<ReturnType<Steps[K]>>
  >;
}
