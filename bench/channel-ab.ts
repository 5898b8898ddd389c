/**
 * `npx tsx bench/channel-ab.ts [--models a,b] [--backends wasm-1,wasm-threaded] [--contexts N]
 * [--iterations N] [--no-build] [--port N]`: steady predicts of edgeserve with the shared-memory
 * channel on (as shipped) and off (a worker that refuses shared memory: no-channel-worker.ts),
 * beside bare onnxruntime-web, in N fresh browser contexts per cell, which edgeserve starts first
 * alternating. Prints per-context medians and, per cell, the median of the context medians
 * [min–max] and the ratio off/on (median of the contexts' paired ratios).
 */
import { loadavg } from 'node:os';
import { parseArgs } from './lib/args.js';
import { openBench, step } from './lib/bench-page.js';
import { launch } from './lib/browser.js';
import type { BenchBackend, CellSpec } from './lib/cell.js';
import { threadsFor } from './lib/run-cell.js';
import { build, serve } from './lib/server.js';
import { pairedRatio, summarize } from './lib/stats.js';

const argv = process.argv.slice(2);
const value = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const args = parseArgs(argv.filter((a, i) => a !== '--contexts' && argv[i - 1] !== '--contexts'));
const contexts = Number(value('--contexts') ?? 5);
const iterations = Number(value('--iterations') ?? 40);
const models = args.models ?? ['silero-vad', 'ocr-cls'];
const backends: BenchBackend[] = args.backends ?? ['wasm-1', 'wasm-threaded'];
const log = (line: string) => process.stderr.write(`${line}\n`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const fmt = (s: { median: number; min: number; max: number }) => `${s.median.toFixed(2)} [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`;

log(`channel-ab: load average ${load()} at start; ${contexts} contexts × ${iterations} calls per cell`);
if (args.build) build(args.port);
const server = await serve(args.port);
const browser = await launch({ gpu: false, headed: false });
const rows: string[] = [];
try {
  const env = await (async () => {
    const context = await browser.newContext();
    const page = await openBench(context, server.url, 1, log);
    const e = await step(page, 'environment');
    await context.close();
    return e;
  })();
  log(`channel-ab: Chromium ${browser.version()}, ${env.hardwareConcurrency} cores, isolated ${env.crossOriginIsolated}`);
  for (const model of models) {
    for (const backend of backends) {
      const spec: CellSpec = { model, backend, precision: 'fp32', iterations, warmup: 5 };
      const per: { on: number; off: number; bare: number; ratio: number; shared: number; calls: number; offShared: number }[] = [];
      const cellLoad = load();
      for (let k = 0; k < contexts; k++) {
        const context = await browser.newContext();
        try {
          const page = await openBench(context, server.url, threadsFor(backend, env.hardwareConcurrency), log);
          const r = await step(page, 'channelAB', spec, k % 2 === 0);
          const row = {
            on: summarize(r.on).median,
            off: summarize(r.off).median,
            bare: summarize(r.bare).median,
            ratio: pairedRatio(r.off, r.on),
            shared: r.onCounts.shared,
            calls: r.onCounts.calls,
            offShared: r.offCounts.shared,
          };
          per.push(row);
          log(
            `  ${model} ${backend} #${k + 1} (${k % 2 === 0 ? 'on' : 'off'} first, threads ${r.threads}): on ${row.on.toFixed(2)} ms, off ${row.off.toFixed(2)} ms, bare ${row.bare.toFixed(2)} ms, ` +
              `off/on ${row.ratio.toFixed(3)}; shared ${row.shared}/${row.calls} calls (off side ${row.offShared}); load ${load()}`,
          );
        } catch (error) {
          log(`  ${model} ${backend} #${k + 1} FAILED: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        } finally {
          await context.close();
        }
      }
      if (!per.length) continue;
      const on = summarize(per.map((p) => p.on));
      const off = summarize(per.map((p) => p.off));
      const bare = summarize(per.map((p) => p.bare));
      const ratio = summarize(per.map((p) => p.ratio));
      const shared = per.map((p) => `${p.shared}/${p.calls}`).join(', ');
      rows.push(
        `| ${model} | ${backend} | ${per.length}×${iterations} | ${cellLoad} | ${fmt(on)} | ${fmt(off)} | ${fmt(bare)} | ${ratio.median.toFixed(3)} [${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)}] | ${shared} |`,
      );
    }
  }
} finally {
  await browser.close();
  server.stop();
}
console.log(`command: npx tsx bench/channel-ab.ts ${argv.join(' ')}`.trim());
console.log('| model | backend | contexts×calls | load avg (1/5/15) | channel on ms | channel off ms | bare ORT ms | off/on | shared calls (on side) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
