/**
 * Whether V8's WebAssembly code cache is hit, and for which engine file, on each side's returning
 * visit: a figure a loaded machine cannot blur. Each side in a browser on a new profile, as the
 * start-up samples run (bench/lib/run-starts.ts): a cold visit that stays open COLD_DWELL_MS, then
 * a warm visit traced with Chromium's `v8.wasm` trace events (Blink's streaming compile reports
 * `v8.wasm.moduleCacheHit` when it deserialises a cached module, `v8.wasm.cachedModule` when it
 * writes one, `v8.wasm.moduleCacheInvalid` for a stale entry).
 *
 *   npx tsx bench/code-cache.ts [--model silero-vad] [--threads 1] [--port 4211] [--no-build]
 * (BENCH_BUILD_DIR builds and serves elsewhere, e.g. to compare two builds.)
 */
import type { Page } from '@playwright/test';
import { openBench, step } from './lib/bench-page.js';
import { launchFresh } from './lib/browser.js';
import { build, serve } from './lib/server.js';

const argv = process.argv.slice(2);
const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const model = value('--model') ?? 'silero-vad';
const threads = Number(value('--threads') ?? 1);
const port = Number(value('--port') ?? 4211);
const COLD_DWELL_MS = 3000;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface TraceEvent {
  name: string;
  args?: { data?: Record<string, unknown> } & Record<string, unknown>;
}

/** Runs `work` with Chromium tracing `v8.wasm` on `page`'s browser; returns the wasm events seen. */
async function traced(page: Page, work: () => Promise<unknown>): Promise<TraceEvent[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    events.push(...(e.value as unknown as TraceEvent[]));
  });
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: (process.env.TRACE_CATS ?? 'v8.wasm,disabled-by-default-v8.wasm').split(',') },
    transferMode: 'ReportEvents',
  });
  await work();
  await cdp.send('Tracing.end');
  await done;
  return events.filter((e) => /wasm/i.test(e.name));
}

if (!argv.includes('--no-build')) build(port);
const server = await serve(port);
const spec = { model, backend: threads > 1 ? 'wasm-threaded' : 'wasm-1', precision: 'fp32', iterations: 1, warmup: 0 } as const;
try {
  for (const side of ['edgeserve', 'bare worker'] as const) {
    const fresh = await launchFresh({ gpu: false, headed: false });
    try {
      const start = (p: Page) => (side === 'edgeserve' ? step(p, 'edgeserveStart', spec) : step(p, 'bareWorkerStart', spec, 'network'));
      const cold = await openBench(fresh.context, server.url, threads, log);
      const coldEvents = await traced(cold, () => start(cold).then(() => cold.waitForTimeout(COLD_DWELL_MS)));
      await cold.close();
      await new Promise((r) => setTimeout(r, 2000));
      const warm = await openBench(fresh.context, server.url, threads, log);
      const warmEvents = await traced(warm, () => start(warm));
      await warm.close();
      const names = (events: TraceEvent[]) =>
        [...new Set(events.map((e) => `${e.name}${(e.args?.url ?? e.args?.data?.url) ? ` ${String(e.args?.url ?? e.args?.data?.url).replace(server.url, '')}` : ''}`))].join(
          ', ',
        ) || '(none)';
      console.log(`${side}: cold visit: ${names(coldEvents)}\n${side}: warm visit: ${names(warmEvents)}`);
    } finally {
      await fresh.close();
    }
  }
} finally {
  server.stop();
}
