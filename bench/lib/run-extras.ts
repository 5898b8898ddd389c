/**
 * The steps beside the matrix, each in a fresh browser context: the overhead breakdown, int8 vs
 * fp32 pairs, batched vs unbatched throughput, and the OCR peer app.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { openBench, step } from './bench-page.js';
import type { BreakdownVariant } from '../pages/breakdown.js';
import type { CellSpec } from './cell.js';
import type { BenchResults } from './results.js';
import { threadsFor } from './run-cell.js';
import { pairedRatio, summarize } from './stats.js';

type Log = (line: string) => void;
const message = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0]! : String(error));

async function inPage<T>(browser: Browser, baseUrl: string, threads: number, log: Log, work: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    const page = await openBench(context, baseUrl, threads, log);
    return await work(page);
  } finally {
    await context.close();
  }
}

export async function runBreakdown(
  browser: Browser,
  baseUrl: string,
  spec: CellSpec,
  variant: BreakdownVariant,
  hc: number,
  log: Log,
): Promise<BenchResults['breakdowns'][number]> {
  try {
    const breakdown = await inPage(browser, baseUrl, threadsFor(spec.backend, hc), log, async (page) => {
      await step(page, 'edgeserveStart', spec);
      await step(page, 'dispose');
      return step(page, 'breakdown', spec, spec.iterations, variant);
    });
    return { spec, breakdown };
  } catch (error) {
    return { spec, variant, error: message(error) };
  }
}

export async function runPair(browser: Browser, baseUrl: string, spec: CellSpec, hc: number, log: Log): Promise<BenchResults['pairs'][number]> {
  try {
    const pair = await inPage(browser, baseUrl, threadsFor(spec.backend, hc), log, (page) => step(page, 'precisionPair', spec));
    return { spec, pair, fp32: summarize(pair.fp32), int8: summarize(pair.int8), ratio: pairedRatio(pair.int8, pair.fp32) };
  } catch (error) {
    return { spec, error: message(error) };
  }
}

/** The batcher is the rollout engineer's src/host/batcher.ts; without it there is nothing to compare. */
export async function runBatching(browser: Browser, baseUrl: string, spec: CellSpec, concurrency: number, rounds: number, hc: number, log: Log) {
  if (!existsSync(new URL('../../src/host/batcher.ts', import.meta.url))) {
    return { spec, unavailable: 'not available yet: src/host/batcher.ts is not in this tree' };
  }
  try {
    const figures = await inPage(browser, baseUrl, threadsFor(spec.backend, hc), log, (page) => step(page, 'batching', spec, concurrency, rounds));
    return { spec, figures };
  } catch (error) {
    return { spec, error: message(error) };
  }
}

export async function runPeer(browser: Browser, baseUrl: string, repeats: number, hc: number, log: Log): Promise<NonNullable<BenchResults['peer']>> {
  const pipeline = existsSync(new URL('../../src/tasks/ocr/ocr.ts', import.meta.url)) ? 'edgeserve loadOcr (src/tasks/ocr.ts), cls off' : 'missing';
  try {
    const figures = await inPage(browser, baseUrl, threadsFor('wasm-threaded', hc), log, (page) => step(page, 'ocrCompare', repeats));
    return { figures, pipeline };
  } catch (error) {
    return { pipeline, error: message(error) };
  }
}
