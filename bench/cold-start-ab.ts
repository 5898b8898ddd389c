/**
 * An A/B of edgeserve builds on a first visit's first prediction, against onnxruntime-web alone in
 * a worker, in the same run: each side in a browser on a new profile, the side that goes first
 * rotating sample by sample (so drift in machine load hits all alike), medians printed with every
 * sample. For deciding between two ways of starting the engine, where one run's noise on 2 cores
 * (±10 %) is as large as the difference; `npm run bench -- --quick` gives the published figures.
 *
 *   BENCH_BUILD_DIR=.bench-a npx tsx -e "import('./bench/lib/server.ts').then((m) => m.build(4230))"
 *   (change the code) BENCH_BUILD_DIR=.bench-b …
 *   npx tsx bench/cold-start-ab.ts --dirs .bench-a,.bench-b [--model silero-vad] [--threads 1] [--n 7] [--warm]
 *
 * --warm also times the returning visit: a second page in the same profile, after the first.
 */
import { resolve } from 'node:path';
import { openBench, step } from './lib/bench-page.js';
import { launchFresh } from './lib/browser.js';
import { serve } from './lib/server.js';
import { summarize } from './lib/stats.js';

const argv = process.argv.slice(2);
const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const model = value('--model') ?? 'silero-vad';
const threads = Number(value('--threads') ?? 1);
const n = Number(value('--n') ?? 7);
const dirs = (value('--dirs') ?? '.bench-build').split(',');
const log = (line: string) => process.stderr.write(`${line}\n`);
/** Between visits, as run-starts.ts does: the last browser's processes are gone first. */
const SETTLE_MS = 1500;

const servers = await Promise.all(dirs.map((dir, i) => serve(4230 + i, resolve(dir))));
const spec = { model, backend: threads > 1 ? 'wasm-threaded' : 'wasm-1', precision: 'fp32', iterations: 1, warmup: 0 } as const;
const sides = [...dirs.map((name, i) => ({ name, i })), { name: 'bare worker', i: 0 }];
const ttfp = new Map<string, number[]>(sides.map((s) => [s.name, []]));
const load = new Map<string, number[]>(sides.map((s) => [s.name, []]));
const warm = argv.includes('--warm');
const warmTtfp = new Map<string, number[]>(sides.map((s) => [s.name, []]));
try {
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(k + r) % sides.length]!;
      const fresh = await launchFresh({ gpu: false, headed: false });
      try {
        const visit = async () => {
          const page = await openBench(fresh.context, servers[side.i]!.url, threads, log);
          const out = side.name === 'bare worker' ? await step(page, 'bareWorkerStart', spec, 'network') : await step(page, 'edgeserveStart', spec);
          // Past the first visit's deferred writes (the engine's device copies), as a user's return is.
          if (warm) await new Promise((r) => setTimeout(r, 1500));
          await page.close();
          return out;
        };
        const out = await visit();
        ttfp.get(side.name)!.push(out.start.ttfpMs);
        load.get(side.name)!.push(out.start.loadMs);
        if (warm) warmTtfp.get(side.name)!.push((await visit()).start.ttfpMs);
      } finally {
        await fresh.close();
      }
      await new Promise((r) => setTimeout(r, SETTLE_MS));
    }
  }
} finally {
  for (const server of servers) server.stop();
}
const median = (samples: number[]) => summarize(samples).median;
const report = (label: string, table: Map<string, number[]>, extra: (name: string) => string) => {
  const bare = median(table.get('bare worker')!);
  for (const [name, samples] of table) {
    const m = median(samples);
    console.log(`${label} ${name.padEnd(20)} first prediction ${m.toFixed(0)} ms (${samples.map((x) => x.toFixed(0)).join(' ')}) = ${(m / bare).toFixed(2)}x${extra(name)}`);
  }
};
report('cold', ttfp, (name) => `; load ${median(load.get(name)!).toFixed(0)} ms`);
if (warm) report('warm', warmTtfp, () => '');
