/**
 * `npm run bench -- --tabs`: the figures of issue 22 (one model for every tab). The page is
 * built from a commit's snapshot (build-site.ts) and served cross-origin isolated by the bench's
 * server; the 256 MB model is the scale bench's (made once into .bench-scale/models). Every
 * sample runs in a fresh Chromium on a new profile, its RSS read from /proc (bench/scale).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../lib/server.js';
import { ensureModels } from '../scale/make-models.js';
import { scaleModel } from '../scale/model-spec.js';
import { tabsSite } from './build-site.js';
import { parseTabsArgs, TABS_HELP } from './tabs-args.js';
import { type MemoryUnit, runMemoryUnit } from './tabs-memory.js';
import type { TabsResults } from './tabs-results.js';
import { runSteadyUnit, type Setting } from './tabs-steady.js';
import { mergeTabsRuns, tabsPage, tabsTables } from './tabs-table.js';
import { chromiumVersion, git as gitIn } from '../lib/run-env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = join(root, '.bench-tabs');
const runsPath = join(cacheDir, 'docs-runs.json');
const docsPath = join(root, 'docs/tabs-benchmark.md');
const log = (line: string) => process.stderr.write(`${line}\n`);
const rotate = <T>(xs: readonly T[], i: number): T[] => xs.map((_, j) => xs[(i + j) % xs.length]!);

const git = (...args: string[]) => gitIn(root, ...args);

export async function runTabs(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(TABS_HELP);
    return 0;
  }
  const args = parseTabsArgs(argv);
  if (args.renderOnly) {
    writeFileSync(docsPath, tabsPage(JSON.parse(readFileSync(runsPath, 'utf8')) as TabsResults[]));
    log('bench tabs: rendered docs/tabs-benchmark.md again from .bench-tabs/docs-runs.json (nothing measured)');
    return 0;
  }
  const started = Date.now();
  const load = loadavg();
  mkdirSync(cacheDir, { recursive: true });
  const scaleModels = join(root, '.bench-scale/models');
  mkdirSync(scaleModels, { recursive: true });
  const { models } = await ensureModels(scaleModels, [scaleModel(256)], log);
  const big = models[0]!;
  const commit = git('rev-parse', '--short', args.commit);
  const site = tabsSite({ root, cache: cacheDir, scaleModels }, args.build ? commit : undefined, log);
  const server = await serve(args.port, site.dir);
  const results: TabsResults = {
    date: new Date().toISOString(),
    command: `npm run bench -- --tabs ${argv.join(' ')}`.trim(),
    durationS: 0,
    environment: {
      browser: chromiumVersion(),
      cores: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
      memTotalMb: Math.round(totalmem() / 2 ** 20),
      loadAverage: load,
      commit: site.builtFrom,
    },
    settings: { samples: args.samples, tabs: args.tabs, iterations: args.iterations, warmup: args.warmup, models: args.models, parts: args.parts },
    big: { id: big.id, bytes: big.single.bytes },
    memory: [],
    steady: [],
  };
  log(
    `bench tabs: ${results.environment.browser}, ${results.environment.cores} cores, load ${load.map((x) => x.toFixed(1)).join(' ')}; parts ${args.parts.join(', ')}, ${args.samples} samples`,
  );
  const timeoutMs = args.timeoutS * 1000;
  try {
    if (args.parts.includes('memory')) {
      const units: MemoryUnit[] = [
        { host: 'shared', tabs: 1 },
        { host: 'shared', tabs: args.tabs },
        { host: 'page', tabs: 1 },
        { host: 'page', tabs: args.tabs },
      ];
      for (let i = 1; i <= args.samples; i++) {
        for (const unit of rotate(units, i - 1)) {
          const s = await runMemoryUnit(unit, i, big, server.url, timeoutMs);
          results.memory.push(s);
          const over = (b?: number) => (b === undefined ? '–' : `+${Math.round((b - s.idleBytes) / 1e6)} MB`);
          log(
            `  memory ${unit.host} ×${unit.tabs} #${i}: ${s.ok ? '' : `FAILED ${s.error}; `}peak ${over(s.peakBytes)}, settled ${over(s.settledBytes)}; first answers ${s.loads.map((l) => `${Math.round(l.firstAnswerMs)} ms${l.shared ? ` (joined ${l.shared.loadsJoined})` : l.fromCache ? ' (store)' : ''}`).join(', ')}`,
          );
        }
      }
    }
    if (args.parts.includes('steady')) {
      const settings: Setting[] = ['not isolated', 'isolated'];
      for (let i = 1; i <= args.samples; i++) {
        for (const setting of rotate(settings, i - 1)) {
          results.steady.push(...(await runSteadyUnit(setting, i, server.url, { models: args.models, warmup: args.warmup, iterations: args.iterations, timeoutMs, log })));
        }
      }
    }
  } finally {
    server.stop();
  }
  results.durationS = (Date.now() - started) / 1000;
  results.environment.loadAverageEnd = loadavg();
  const out = resolve(root, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(tabsTables(results));
  if (args.docs) {
    const runs = mergeTabsRuns(existsSync(runsPath) ? (JSON.parse(readFileSync(runsPath, 'utf8')) as TabsResults[]) : [], results);
    writeFileSync(runsPath, `${JSON.stringify(runs)}\n`);
    writeFileSync(docsPath, tabsPage(runs));
  }
  log(`bench tabs: wrote ${args.out}${args.docs ? ' and docs/tabs-benchmark.md' : ''}; the run took ${(results.durationS / 60).toFixed(1)} min`);
  return 0;
}
