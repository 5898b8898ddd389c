/**
 * `npm run bench`: builds the bench page for production, serves it cross-origin isolated with
 * `vite preview`, and drives Chromium over the matrix and the side steps; writes results.json
 * and prints the Markdown tables (and with --docs, keeps them in docs/benchmarks.md).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './lib/args.js';
import { openBench, step } from './lib/bench-page.js';
import { launch } from './lib/browser.js';
import type { CellSpec } from './lib/cell.js';
import { cells, precisionPairs } from './lib/matrix.js';
import { writeBenchPage } from './lib/docs-page.js';
import type { BenchResults, Environment } from './lib/results.js';
import { runCell } from './lib/run-cell.js';
import { runBatching, runBreakdown, runPair, runPeer } from './lib/run-extras.js';
import { build, serve } from './lib/server.js';
import { markdown } from './lib/table.js';

// The scale benchmark is its own program (bench/scale/run-scale.ts): big models, memory, fresh browsers.
if (process.argv.includes('--scale')) {
  const { runScale } = await import('./scale/run-scale.js');
  process.exit(await runScale(process.argv.slice(2).filter((a) => a !== '--scale')));
}
// The tabs benchmark (issue 22: one model for every tab) too: bench/tabs/run-tabs.ts.
if (process.argv.includes('--tabs')) {
  const { runTabs } = await import('./tabs/run-tabs.js');
  process.exit(await runTabs(process.argv.slice(2).filter((a) => a !== '--tabs')));
}
const argv = process.argv.slice(2);
const args = parseArgs(argv);
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();
const load = loadavg();
const minutes = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

if (args.build) {
  log('bench: building the bench page (vite build → .bench-build)…');
  build(args.port);
}
const server = await serve(args.port);
const browser = await launch({ gpu: args.gpu, headed: args.headed });
try {
  const context = await browser.newContext();
  const env = await step(await openBench(context, server.url, 1, log), 'environment');
  await context.close();
  const environment: Environment = {
    ...env,
    browser: `Chromium ${browser.version()}`,
    mode: args.gpu ? 'gpu' : 'swiftshader',
    headless: !args.headed,
    loadAverage: load,
  };
  log(`bench: ${environment.browser}, adapter ${environment.adapter}, ${env.hardwareConcurrency} cores, isolated ${env.crossOriginIsolated}`);
  if (args.gpu && (env.fallbackAdapter || /swiftshader/i.test(env.adapter))) log('bench: --gpu, but Chromium found no hardware adapter: WebGPU figures are SwiftShader again');
  const manifest = await (await fetch(`${server.url}/models/manifest.json`)).json();
  if (args.quick)
    log(
      `bench: --quick: ${cells(manifest, args)
        .map((c) => `${c.model} ${c.backend}`)
        .join(', ')}; ${args.samples} start sample${args.samples === 1 ? '' : 's'} per side (a figure needs 5), ${args.iterations} steady runs`,
    );
  const hc = env.hardwareConcurrency;
  const results: BenchResults = {
    date: new Date().toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    durationS: 0,
    environment,
    settings: { iterations: args.iterations, gpuIterations: args.gpuIterations, warmup: args.warmup, samples: args.samples, quick: args.quick },
    cells: [],
    breakdowns: [],
    pairs: [],
    batching: [],
  };
  const spec = (model: string, backend: CellSpec['backend'], iterations = args.iterations): CellSpec => ({ model, backend, precision: 'fp32', iterations, warmup: args.warmup });

  if (!args.skip.has('matrix')) {
    for (const cell of cells(manifest, args)) {
      const t = Date.now();
      const r = await runCell(browser, server.url, cell, hc, log, { mode: { gpu: args.gpu, headed: args.headed }, samples: args.samples, served: server.served });
      results.cells.push(r);
      const f = r.figures;
      const s = r.startFigures;
      log(
        `  ${cell.model} ${cell.precision} ${cell.backend}: ` +
          (f
            ? `es ${f.edgeserve.median.toFixed(2)} ms, bare ${f.bare.median.toFixed(2)} ms, ratio ${f.ratio.toFixed(3)}, +${f.overheadMs.toFixed(2)} ms/call`
            : `FAILED ${r.error}`) +
          (s
            ? `; cold ${s.esCold.median.toFixed(0)} / ${s.bareCold.median.toFixed(0)} ms = ${s.coldRatio.toFixed(2)}×, warm ${s.esWarm.median.toFixed(0)} / ${s.bareWarmHttp.median.toFixed(0)} ms = ${s.warmVsBareHttp.toFixed(2)}×`
            : '') +
          (s?.suspect.length ? ` HARNESS SUSPECT: ${s.suspect.join('; ')}` : '') +
          ` (${((Date.now() - t) / 1000).toFixed(0)} s)`,
      );
    }
  }
  if (!args.skip.has('breakdown')) {
    const all = [
      spec('ocr-rec', 'wasm-threaded'),
      spec('ocr-rec', 'wasm-1'),
      spec('ocr-cls', 'wasm-threaded'),
      spec('ocr-cls', 'wasm-1'),
      spec('silero-vad', 'wasm-threaded'),
      spec('silero-vad', 'wasm-1'),
    ];
    const targets = args.models ? all.filter((t) => args.models!.includes(t.model)) : args.quick ? all.slice(0, 1) : all;
    // Threaded targets also run with the no-spin experiment (timed-nospin.worker.ts), except --quick.
    const runs = targets.flatMap((t) =>
      (t.backend === 'wasm-threaded' && !args.quick ? (['as-shipped', 'no-spin'] as const) : (['as-shipped'] as const)).map((v) => [t, v] as const),
    );
    for (const [target, variant] of runs) {
      const b = await runBreakdown(browser, server.url, target, variant, hc, log);
      results.breakdowns.push(b);
      const f = b.breakdown;
      log(
        `  breakdown ${target.model} ${target.backend} ${variant}: ${f ? `total ${f.total.median.toFixed(2)} ms, engine ${f.engine.median.toFixed(2)} ms, own ${f.ownCost.median.toFixed(2)} ms` : b.error}`,
      );
    }
  }
  if (!args.skip.has('pairs')) {
    for (const target of precisionPairs(manifest, args)) {
      const p = await runPair(browser, server.url, target, hc, log);
      results.pairs.push(p);
      log(`  int8 vs fp32 ${target.model} ${target.backend}: ${p.ratio !== undefined ? `${p.ratio.toFixed(2)}×` : p.error}`);
    }
  }
  if (!args.skip.has('batching')) {
    const targets: [CellSpec, number][] = args.quick
      ? [[spec('ocr-cls', 'wasm-threaded'), 8]]
      : [
          [spec('ocr-cls', 'wasm-threaded'), 8],
          [spec('ocr-rec', 'wasm-threaded'), 4],
        ];
    for (const [target, concurrency] of targets) {
      const b = await runBatching(browser, server.url, target, concurrency, args.quick ? 4 : 10, hc, log);
      results.batching.push(b);
      log(
        `  batching ${target.model} ×${concurrency}: ${b.figures ? b.figures.variants.map((v) => `${v.name} ${v.perSec.toFixed(1)}/s (batch ${v.meanBatchSize?.toFixed(2) ?? '?'})`).join(', ') : (b.unavailable ?? b.error)}`,
      );
    }
  }
  if (!args.skip.has('peer')) {
    results.peer = await runPeer(browser, server.url, args.quick ? 1 : 5, hc, log);
    log(`  peer app: ${results.peer.figures ? 'done' : results.peer.error}`);
  }

  results.durationS = (Date.now() - started) / 1000;
  writeFileSync(resolve(root, args.out), `${JSON.stringify(results, null, 2)}\n`);
  const table = markdown(results);
  console.log(table);
  if (args.docs) writeBenchPage(`${root}/docs/benchmarks.md`, table);
  log(`bench: wrote ${args.out}${args.docs ? ' and docs/benchmarks.md' : ''} in ${results.durationS.toFixed(0)} s`);
  log(`bench: this run took ${minutes(results.durationS)}`);
} finally {
  await browser.close();
  server.stop();
}
