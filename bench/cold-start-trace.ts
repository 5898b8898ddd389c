/**
 * Where a first visit's start-up goes, side by side with onnxruntime-web alone in a worker:
 * Chromium's trace of one cold visit per side (network requests, IndexedDB, V8's streaming
 * compile of the engine's .wasm, long tasks on the worker's thread), written as JSON to
 * /tmp/cold-start-<tag>-<side>.json for a trace viewer (ui.perfetto.dev) or a script. Tracing
 * slows both sides; read it for order and gaps, never for figures.
 *
 *   npx tsx bench/cold-start-trace.ts [--model silero-vad] [--threads 1] [--tag a] [--no-build] [--dir .bench-build]
 */
import type { Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { openBench, step } from './lib/bench-page.js';
import { launchFresh } from './lib/browser.js';
import { build, serve } from './lib/server.js';
const argv = process.argv.slice(2);
const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const model = value('--model') ?? 'silero-vad';
const threads = Number(value('--threads') ?? 1);
const port = Number(value('--port') ?? 4211);
const tag = value('--tag') ?? 'a';
const log = (line: string) => process.stderr.write(`${line}\n`);
async function traced(page: Page, work: () => Promise<unknown>): Promise<unknown[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    events.push(...(e.value as unknown[]));
  });
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8.wasm',
        'disabled-by-default-v8.wasm',
        'blink.resource',
        'loading',
        'v8',
        'toplevel',
        'IndexedDB',
        'netlog',
        'disabled-by-default-netlog',
        'ServiceWorker',
        'blink',
        'disabled-by-default-v8.compile',
      ],
    },
    transferMode: 'ReportEvents',
  });
  const out = await work();
  console.log(JSON.stringify(out));
  await cdp.send('Tracing.end');
  await done;
  return events;
}
if (!argv.includes('--no-build')) build(port);
const server = await serve(port, (await import('node:path')).resolve(value('--dir') ?? '.bench-build'));
const spec = { model, backend: threads > 1 ? 'wasm-threaded' : 'wasm-1', precision: 'fp32', iterations: 1, warmup: 0 } as const;
try {
  for (const side of ['edgeserve', 'bare worker'] as const) {
    const fresh = await launchFresh({ gpu: false, headed: false });
    try {
      const cold = await openBench(fresh.context, server.url, threads, log);
      const ev = await traced(cold, () => (side === 'edgeserve' ? step(cold, 'edgeserveStart', spec) : step(cold, 'bareWorkerStart', spec, 'network')));
      writeFileSync(`/tmp/cold-start-${tag}-${side.replace(' ', '-')}.json`, JSON.stringify(ev));
      await cold.close();
    } finally {
      await fresh.close();
    }
  }
} finally {
  server.stop();
}
