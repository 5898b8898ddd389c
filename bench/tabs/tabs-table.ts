/**
 * The tabs bench's tables: memory of four tabs against one (shared host and page workers), a
 * second tab's first answer, and steady per-call latency from tab 2 per side. Medians over the
 * samples with their min–max; ratios are taken per sample (sides of one round, or calls
 * alternated in one page) and their median shown with min–max. Failed samples are counted.
 */
import { summarize } from '../lib/stats.js';
import type { MemorySample, SteadySample, TabRecord, TabsResults } from './tabs-results.js';

const MB = 1e6;
type Range = { median: number; min: number; max: number };
const range = (xs: number[]): Range | undefined => (xs.length ? summarize(xs) : undefined);
const fmt = (r: Range | undefined, f: (x: number) => string, unit = '') => (r ? `${f(r.median)}${unit} (${f(r.min)}–${f(r.max)})` : '–');
const mb = (x: number) => Math.round(x / MB).toLocaleString('en-US');
const x2 = (x: number) => `${x.toFixed(2)}×`;
const ms0 = (x: number) => `${Math.round(x)}`;
const ms2 = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

/** Per-sample ratios a/b, pairing samples of the same round. */
function paired(a: MemorySample[], b: MemorySample[], key: (s: MemorySample) => number | undefined): number[] {
  return a.flatMap((s) => {
    const t = b.find((u) => u.sample === s.sample);
    const [x, y] = [key(s), t ? key(t) : undefined];
    return x !== undefined && y !== undefined && y > 0 ? [x / y] : [];
  });
}

const overIdle = (k: 'peakBytes' | 'settledBytes') => (s: MemorySample) => (s[k] !== undefined ? s[k]! - s.idleBytes : undefined);

function memoryTable(r: TabsResults): string {
  const unit = (host: string, tabs: number) => r.memory.filter((s) => s.host === host && s.tabs === tabs);
  const lines = [
    '| tabs | host | ok | idle RSS, all tabs open | peak over idle | settled over idle | settled ÷ one tab, same host | settled ÷ one tab, page | peak ÷ one tab, page |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const host of ['shared', 'page'] as const) {
    for (const tabs of [1, r.settings.tabs]) {
      const all = unit(host, tabs);
      if (!all.length) continue;
      const ok = all.filter((s) => s.ok);
      const val = (f: (s: MemorySample) => number | undefined) => range(ok.flatMap((s) => (f(s) === undefined ? [] : [f(s)!])));
      const ratio = (base: MemorySample[], k: 'peakBytes' | 'settledBytes') =>
        tabs === 1 && base === ok
          ? '1'
          : fmt(
              range(
                paired(
                  ok,
                  base.filter((s) => s.ok),
                  overIdle(k),
                ),
              ),
              x2,
            );
      const errors = [...new Set(all.filter((s) => !s.ok).map((s) => s.error))].join('; ');
      lines.push(
        `| ${tabs} | ${host} | ${ok.length}/${all.length}${errors ? ` (${errors.slice(0, 120).replace(/\|/g, '/')})` : ''} | ${fmt(
          val((s) => s.idleBytes),
          mb,
          ' MB',
        )} | ${fmt(val(overIdle('peakBytes')), mb, ' MB')} | ${fmt(val(overIdle('settledBytes')), mb, ' MB')} | ${ratio(unit(host, 1), 'settledBytes')} | ${ratio(unit('page', 1), 'settledBytes')} | ${ratio(unit('page', 1), 'peakBytes')} |`,
      );
    }
  }
  return lines.join('\n');
}

/** What a second tab's load did: joined the shared session, or read the store and opened its own. */
function how(loads: TabRecord[]): string {
  const l = loads[0];
  if (!l) return '–';
  const phases = [...new Set(loads.flatMap((x) => Object.keys(x.phases)))].filter((p) => p !== 'ready');
  if (l.host === 'shared') {
    // The host's counters are per host, not per model (a browser's later models find them above 1):
    // a load that joined shows as the model read once for both tabs and no load phase of its own.
    const joined = loads.every((x) => (x.shared?.loadsJoined ?? 0) >= 1 && x.reads === 1 && Object.keys(x.phases).every((p) => p === 'ready'));
    const reads = [...new Set(loads.map((x) => x.reads))].join('/');
    return `${joined ? "joined tab 1's session (loads joined ≥ 1)" : 'did NOT join'}; host's store/network reads of the model for both tabs: ${reads}; phases: ${phases.join(', ') || 'none'}`;
  }
  return `own worker, ${loads.every((x) => x.fromCache) ? 'read from the store' : 'NOT from the store'}; phases: ${phases.join(', ')}`;
}

function secondTabTable(r: TabsResults): string {
  const lines = ['| model | setting | host | n | tab 2: load call → first answer, ms | ÷ shared | what the load did |', '|---|---|---|---|---|---|---|'];
  const row = (model: string, setting: string, side: string, loads: TabRecord[], base: number | undefined) => {
    const f = range(loads.map((l) => l.firstAnswerMs));
    lines.push(`| ${model} | ${setting} | ${side} | ${loads.length} | ${fmt(f, ms0)} | ${f && base ? x2(f.median / base) : ''} | ${how(loads)} |`);
  };
  const big = r.settings.tabs;
  for (const host of ['shared', 'page'] as const) {
    const loads = r.memory.filter((s) => s.host === host && s.tabs === big && s.loads[1]).map((s) => s.loads[1]!);
    if (loads.length) {
      const base = range(r.memory.filter((s) => s.host === 'shared' && s.tabs === big && s.loads[1]).map((s) => s.loads[1]!.firstAnswerMs))?.median;
      row(`${r.big.id} (tab 2 of ${big})`, 'isolated', host, loads, host === 'page' ? base : undefined);
    }
  }
  for (const model of r.settings.models) {
    for (const setting of ['not isolated', 'isolated'] as const) {
      const ok = r.steady.filter((s) => s.ok && s.model === model && s.setting === setting);
      const sides = [...new Set(ok.flatMap((s) => s.sides.map((x) => x.side)))];
      const loadsOf = (side: string) => ok.flatMap((s) => s.sides.filter((x) => x.side === side).map((x) => x.load));
      const base = range(loadsOf(sides.find((s) => s.startsWith('shared')) ?? '').map((l) => l.firstAnswerMs))?.median;
      for (const side of sides) row(model, setting, side, loadsOf(side), side.startsWith('shared') ? undefined : base);
    }
  }
  return lines.join('\n');
}

function steadyTable(r: TabsResults): string {
  const lines = [
    "| model | setting | side (threads) | n | per call, median of sample medians (min–max), ms | of which in the engine (its host's median), ms | ÷ shared, per sample (min–max) |",
    '|---|---|---|---|---|---|---|',
  ];
  for (const model of r.settings.models) {
    for (const setting of ['not isolated', 'isolated'] as const) {
      const all = r.steady.filter((s) => s.model === model && s.setting === setting);
      const ok = all.filter((s) => s.ok);
      const sides = [...new Set(ok.flatMap((s) => s.sides.map((x) => x.side)))];
      const med = (s: SteadySample, side: string) => {
        const x = s.sides.find((y) => y.side === side);
        return x ? summarize(x.ms).median : undefined;
      };
      const shared = sides.find((s) => s.startsWith('shared'))!;
      for (const side of sides) {
        const meds = ok.flatMap((s) => (med(s, side) === undefined ? [] : [med(s, side)!]));
        const engine = ok.flatMap((s) => s.sides.filter((x) => x.side === side && x.host).map((x) => x.host!.compute));
        const threads = [...new Set(ok.flatMap((s) => s.sides.filter((x) => x.side === side).map((x) => x.load.wasmThreads)))].join('/');
        const ratios = side === shared ? [] : ok.flatMap((s) => (med(s, side) && med(s, shared) ? [med(s, shared)! / med(s, side)!] : []));
        const failed = all.length - ok.length;
        lines.push(
          `| ${model} | ${setting} | ${side} (${threads} thread${threads === '1' ? '' : 's'}) | ${ok.length}${failed ? ` (+${failed} failed)` : ''} × ${r.settings.iterations} calls | ${fmt(range(meds), ms2)} | ${engine.length ? fmt(range(engine), ms2) : '–'} | ${side === shared ? '' : `shared ÷ this: ${fmt(range(ratios), x2)}`} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

export function tabsTables(r: TabsResults): string {
  const e = r.environment;
  const parts = [
    `Written by \`${r.command}\` on ${r.date} (commit ${e.commit}); the run took ${Math.round(r.durationS / 60)} min.
${e.browser}, ${e.cores} cores, ${Math.round(e.memTotalMb / 1024)} GB RAM, load average ${e.loadAverage.map((x) => x.toFixed(1)).join(' / ')} at the start${e.loadAverageEnd ? `, ${e.loadAverageEnd.map((x) => x.toFixed(1)).join(' / ')} at the end` : ''} (other work on the machine: timings are slower than on an idle one; ratios are side by side).
${r.settings.samples} sample${r.settings.samples === 1 ? '' : 's'} per side, each in a fresh Chromium on a new profile, the sides' order rotated per sample. WASM backend.`,
  ];
  if (r.memory.length)
    parts.push(`### ${r.settings.tabs} tabs on one ${Math.round(r.big.bytes / 2 ** 20)} MB model: the browser's memory

The tabs of one browser load ${r.big.id} one after the other (one WASM thread on every side). Over idle = the browser's RSS minus its RSS with the same tabs open before any load; ratios pair the samples of one round.

${memoryTable(r)}`);
  parts.push(`### A second tab's first answer

Tab 1 has the model loaded and answered; tab 2 calls \`load\` and \`predict\`: from the load call to the first answer (the runtime's creation included).

${secondTabTable(r)}`);
  if (r.steady.length)
    parts.push(`### Steady predicts from tab 2

Tab 2 times ${r.settings.iterations} calls per side after ${r.settings.warmup} untimed, alternated call by call between the sides (ABC CBA …); per sample the median call, then the median and min–max of those over the samples; beside it, the part of a call its host spent in the engine (what a SharedWorker in another tab's process adds beyond that is the message's trip between processes: \`npx tsx bench/message-cost.ts\`). "Not isolated": the same page served without COOP/COEP (where \`host: 'auto'\` picks the shared host).

${steadyTable(r)}`);
  return parts.join('\n\n');
}

/** The runs the docs page shows: a newer run's parts replace the same parts of older runs. */
export function mergeTabsRuns(previous: readonly TabsResults[], latest: TabsResults): TabsResults[] {
  const kept = previous.map((r) => ({
    ...r,
    memory: latest.memory.length ? [] : r.memory,
    steady: latest.steady.length ? [] : r.steady,
  }));
  return [...kept.filter((r) => r.memory.length || r.steady.length), latest];
}

export function tabsPage(runs: readonly TabsResults[]): string {
  return `# Tabs benchmark: one model for every tab

<!-- Written by \`npm run bench -- --tabs\` (bench/tabs/run-tabs.ts); do not edit by hand: run it again. -->
\`createRuntime({ host: 'shared' })\` runs the models of every same-origin page with the same store in one
SharedWorker (one session, one copy in memory; one WASM thread, as a shared worker is not cross-origin
isolated); \`host: 'page'\` gives each page its own worker (WASM threads when the page is isolated).

${runs.map(tabsTables).join('\n\n')}

How to read it:
- RSS is the sum of VmRSS over Chromium's whole process tree (/proc), sampled every ~50 ms over the loads (peak) and 3 s
  after the last tab's first answer (settled), minus the same browser's RSS with the same tabs open and idle.
- The ${runs[0]?.big.id ?? 'big'} model is the scale bench's (y = x · W, one fp32 MatMul, exact output checked in every tab).
- Tab 1 downloads into an empty profile's store; a later tab joins the shared host's open session, or (page) reads the
  model from IndexedDB into its own worker.
`;
}
