/**
 * `npm run bench -- --scale`: big models, edgeserve against onnxruntime-web alone, load time and
 * the browser's memory. Models are made once (make-models.ts); the page is built on its own
 * (vite.config.ts here) and served by the bench's CDN-like server; every side's sample runs in a
 * fresh Chromium on a new profile (so its RSS is its own), the sides' order rotating per sample.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import { launchFresh } from '../lib/browser.js';
import { serve } from '../lib/server.js';
import type { ScaleLoad } from '../pages/scale-page.js';
import { DATA_FILE, ensureModels, externalId, type MadeModel } from './make-models.js';
import { maxAbsDiff, scaleModel } from './model-spec.js';
import { browserProcesses, steadyRss, watchRss } from './rss-sampler.js';
import { parseScaleArgs, SCALE_HELP, type ScaleUnit } from './scale-args.js';
import type { ScaleResults, ScaleSample, ScaleSide } from './scale-results.js';
import { mergeRuns, scalePage, scaleTable } from './scale-table.js';
import { chromiumVersion, git as gitIn } from '../lib/run-env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = join(root, '.bench-scale');
const modelsDir = join(cacheDir, 'models');
const siteDir = join(cacheDir, 'site');
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STORE = 'edgeserve-scale';
/** A first visit stays open this long after its first prediction; settled RSS is read then. */
const DWELL_MS = 3000;
/** Pause after a page closes, before the next visit (teardown off the cores). */
const SETTLE_MS = 2000;

/** The scale bench's own files, laid over the snapshot (they may not be committed yet). */
const OWN_FILES = ['bench/scale', 'bench/pages/scale.html', 'bench/pages/scale-page.ts', 'bench/pages/scale-ort.worker.ts'];

/**
 * Builds the page from a snapshot of one commit (`git archive`), not the working tree, where
 * other work in progress may not even compile: the figures then belong to that commit.
 */
function buildFrom(commit: string): void {
  const src = join(cacheDir, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  log(`bench scale: building the scale page from ${commit} (git archive → .bench-scale/src, vite build → .bench-scale/site)…`);
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${src}"`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'));
  for (const f of OWN_FILES) cpSync(join(root, f), join(src, f), { recursive: true });
  const r = spawnSync('npx', ['vite', 'build', '-c', 'bench/scale/vite.config.ts', '--logLevel', 'error', '--outDir', siteDir, '--emptyOutDir'], {
    cwd: src,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  writeFileSync(join(siteDir, 'built-from'), `${commit} (the scale bench's own files from the working tree)\n`);
}

/** The site: the built page, with the engine files and the models folder linked in (not copied). */
function site(commit: string | undefined): void {
  for (const link of ['engines', 'models']) rmSync(join(siteDir, link), { force: true });
  if (commit) buildFrom(commit);
  if (!existsSync(join(siteDir, 'bench/pages/scale.html'))) throw new Error('no .bench-scale/site build: run without --no-build');
  symlinkSync(join(root, 'public/engines'), join(siteDir, 'engines'));
  symlinkSync(modelsDir, join(siteDir, 'models'));
}

/** The error's message without its stack frames (` at e.onmessage (…)`), which name bundle chunks. */
const message = (e: unknown) =>
  (e instanceof Error ? e.message : String(e))
    .split('\n')
    .filter(Boolean)
    .slice(0, 2)
    .join(' ')
    .replace(/\s+at \S+ \(\S+\)/g, '')
    .slice(0, 400);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type Visit = Omit<ScaleSample, 'side' | 'sample'>;

/** One page visit: idle RSS, then the load with RSS sampled, then the dwell and settled RSS. */
async function visit(context: BrowserContext, baseUrl: string, expected: number[], timeoutMs: number, trace: boolean, work: (page: Page) => Promise<ScaleLoad>): Promise<Visit> {
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let crashed = false;
  page.on('crash', () => (crashed = true));
  try {
    await page.goto(`${baseUrl}/bench/pages/scale.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 60_000 });
    await sleep(500);
    const idleBytes = await steadyRss();
    const idle = trace ? browserProcesses() : [];
    const watch = watchRss(50, undefined, trace || undefined);
    let load: ScaleLoad | undefined;
    let error: string | undefined;
    try {
      load = await withTimeout(work(page), timeoutMs, 'load');
    } catch (e) {
      error = `${crashed ? 'renderer crashed: ' : ''}${message(e)}`;
    }
    const { peak, samples, trace: rssTrace } = watch.stop();
    const traced = rssTrace ? { rssTrace: { ...rssTrace, idle } } : {};
    if (!load) return { ok: false, error: error ?? 'failed', idleBytes, peakBytes: peak, rssSamples: samples, ...traced };
    await sleep(DWELL_MS);
    const settledBytes = await steadyRss();
    const diff = maxAbsDiff(load.y, expected);
    const wrong = diff !== 0 ? `wrong output: max |Δ| ${diff} over ${load.y.length} values` : undefined;
    return {
      ok: !wrong,
      ...(wrong ? { error: wrong } : {}),
      loadMs: load.loadMs,
      firstPredictMs: load.firstPredictMs,
      maxAbsDiff: diff,
      ...(load.fromCache !== undefined ? { fromCache: load.fromCache } : {}),
      ...(load.phases ? { phases: load.phases } : {}),
      ...(load.storedMs !== undefined ? { storedMs: load.storedMs } : {}),
      idleBytes,
      peakBytes: peak,
      settledBytes,
      rssSamples: samples,
      ...traced,
    };
  } finally {
    await withTimeout(
      page.evaluate(() => window.scale.dispose()),
      10_000,
      'dispose',
    ).catch(() => undefined);
    await page.close().catch(() => undefined);
    await sleep(SETTLE_MS);
  }
}

const edgeserveLoad = (baseUrl: string, id: string, k: number, threads: number) => (page: Page) =>
  page.evaluate((o) => window.scale.edgeserve(o), { id, k, threads, manifestUrl: `${baseUrl}/models/manifest.json`, storeName: STORE });

const bareLoad = (baseUrl: string, model: MadeModel, threads: number, external: boolean) => (page: Page) =>
  page.evaluate((o) => window.scale.bare(o), {
    url: `${baseUrl}/models/${external ? model.graph.path : model.single.path}`,
    ...(external ? { externalData: { path: DATA_FILE, url: `${baseUrl}/models/${model.data.path}` } } : {}),
    k: model.k,
    threads,
  });

/** One unit of a sample in its own fresh browser: one side, or edgeserve's cold then warm visit. */
async function runUnit(unit: ScaleUnit, model: MadeModel, baseUrl: string, threads: number, timeoutMs: number, trace: boolean): Promise<[ScaleSide, Visit][]> {
  const fresh = await launchFresh({ gpu: false, headed: false });
  const go = (work: (page: Page) => Promise<ScaleLoad>) => visit(fresh.context, baseUrl, model.expected, timeoutMs, trace, work);
  try {
    if (unit === 'bare' || unit === 'bare-ext') return [[unit === 'bare' ? 'bare' : 'bare ext', await go(bareLoad(baseUrl, model, threads, unit === 'bare-ext'))]];
    const id = unit === 'edgeserve' ? model.id : externalId(model.id);
    const [coldSide, warmSide]: ScaleSide[] = unit === 'edgeserve' ? ['edgeserve cold', 'edgeserve warm'] : ['edgeserve ext cold', 'edgeserve ext warm'];
    const cold = await go(edgeserveLoad(baseUrl, id, model.k, threads));
    const warm = await go(edgeserveLoad(baseUrl, id, model.k, threads));
    // A warm visit that downloaded again measured a second cold load, not IndexedDB.
    if (warm.ok && warm.fromCache === false) Object.assign(warm, { ok: false, error: 'the warm visit did not load from IndexedDB' });
    return [
      [coldSide!, cold],
      [warmSide!, warm],
    ];
  } catch (e) {
    return [
      [
        unit.startsWith('bare') ? (unit === 'bare' ? 'bare' : 'bare ext') : unit === 'edgeserve' ? 'edgeserve cold' : 'edgeserve ext cold',
        { ok: false, error: `harness: ${message(e)}`, idleBytes: 0 },
      ],
    ];
  } finally {
    await fresh.close().catch(() => undefined);
  }
}

/** `--trace`: when the peak fell, and the processes that grew most over idle by then. */
function peakWhere(trace: NonNullable<Visit['rssTrace']>): string {
  const idleOf = new Map(trace.idle.map((p) => [p.pid, p.bytes]));
  const grown = trace.atPeak
    .map((p) => ({ ...p, grew: p.bytes - (idleOf.get(p.pid) ?? 0) }))
    .sort((a, b) => b.grew - a.grew)
    .filter((p, i) => i < 3 && Math.abs(p.grew) >= 1e6);
  return `peak at ${(trace.peakAtMs / 1000).toFixed(2)} s: ${grown.map((p) => `${p.kind} ${p.pid}${idleOf.has(p.pid) ? '' : ' (new)'} ${p.grew >= 0 ? '+' : ''}${Math.round(p.grew / 1e6)} MB`).join(', ') || 'no process grew'}`;
}

const fmtVisit = (v: Visit) =>
  v.loadMs === undefined
    ? `FAILED ${v.error}${v.peakBytes ? ` (peak +${Math.round((v.peakBytes - v.idleBytes) / 1e6)} MB)` : ''}`
    : `load ${(v.loadMs / 1000).toFixed(2)} s, first ${Math.round(v.firstPredictMs!)} ms, ${v.maxAbsDiff === 0 ? 'exact' : `max |Δ| ${v.maxAbsDiff}`}, peak +${Math.round((v.peakBytes! - v.idleBytes) / 1e6)} MB, settled +${Math.round((v.settledBytes! - v.idleBytes) / 1e6)} MB${
        v.storedMs !== undefined ? `, stored at ${(v.storedMs / 1000).toFixed(2)} s` : ''
      }${
        v.phases
          ? ` (${Object.entries(v.phases)
              .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(2)}`)
              .join(', ')} s)`
          : ''
      }${v.ok ? '' : ` — ${v.error}`}${v.rssTrace ? `; ${peakWhere(v.rssTrace)}` : ''}`;

/** --no-build: the commit the last build was made from. */
const readBuilt = () => (existsSync(join(siteDir, 'built-from')) ? readFileSync(join(siteDir, 'built-from'), 'utf8').trim() : 'unknown (--no-build)');

const git = (...args: string[]) => gitIn(root, ...args);

/** Runs the scale bench; the exit code. */
export async function runScale(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SCALE_HELP);
    return 0;
  }
  const args = parseScaleArgs(argv);
  if (args.renderOnly) {
    writeFileSync(join(root, 'docs/scale-benchmark.md'), scalePage(JSON.parse(readFileSync(join(cacheDir, 'docs-runs.json'), 'utf8')) as ScaleResults[]));
    log('bench scale: rendered docs/scale-benchmark.md again from .bench-scale/docs-runs.json (nothing measured)');
    return 0;
  }
  const started = Date.now();
  const load = loadavg();
  const specs = args.sizes.map(scaleModel);
  mkdirSync(modelsDir, { recursive: true });
  const { models, external } = await ensureModels(modelsDir, specs, log);
  const commit = git('rev-parse', '--short', args.commit);
  if (args.build) site(commit);
  else site(undefined);
  const server = await serve(args.port, siteDir);
  const results: ScaleResults = {
    date: new Date().toISOString(),
    command: `npm run bench -- --scale ${argv.join(' ')}`.trim(),
    durationS: 0,
    environment: {
      browser: chromiumVersion(),
      cores: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
      memTotalMb: Math.round(totalmem() / 2 ** 20),
      loadAverage: load,
      commit: args.build ? `${commit} (the scale bench's own files from the working tree)` : readBuilt(),
    },
    settings: { samples: args.samples, threads: args.threads, sizes: args.sizes, sides: args.units },
    packedExternal: models.filter((m) => external.has(m.id)).map((m) => m.id),
    sizes: [],
  };
  log(
    `bench scale: ${results.environment.browser}, ${results.environment.cores} cores, sizes ${args.sizes.join(', ')} MB, ${args.samples} samples, ${args.threads} thread(s); external data packed for: ${results.packedExternal.join(', ') || 'none'}`,
  );
  try {
    for (const model of models) {
      const units = args.units.filter((u) => u !== 'edgeserve-ext' || external.has(model.id));
      const size = { id: model.id, mib: model.mib, modelBytes: model.single.bytes, samples: [] as ScaleSample[] };
      results.sizes.push(size);
      for (let i = 0; i < args.samples; i++) {
        const order = units.map((_, j) => units[(i + j) % units.length]!);
        for (const unit of order) {
          for (const [side, v] of await runUnit(unit, model, server.url, args.threads, args.timeoutS * 1000, args.trace)) {
            size.samples.push({ side, sample: i + 1, ...v });
            log(`  ${model.id} ${side} #${i + 1}: ${fmtVisit(v)}`);
          }
        }
      }
    }
  } finally {
    server.stop();
  }
  results.durationS = (Date.now() - started) / 1000;
  const out = resolve(root, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(scaleTable(results));
  if (args.docs) {
    // The page keeps earlier runs' sizes that this run did not measure (their own command shown).
    const runsPath = join(cacheDir, 'docs-runs.json');
    const runs = mergeRuns(existsSync(runsPath) ? (JSON.parse(readFileSync(runsPath, 'utf8')) as ScaleResults[]) : [], results);
    writeFileSync(runsPath, `${JSON.stringify(runs)}\n`);
    writeFileSync(join(root, 'docs/scale-benchmark.md'), scalePage(runs));
  }
  log(
    `bench scale: wrote ${args.out}${args.docs ? ' and docs/scale-benchmark.md' : ''}; the run took ${Math.round(results.durationS)} s (${(results.durationS / 60).toFixed(1)} min)`,
  );
  return 0;
}
