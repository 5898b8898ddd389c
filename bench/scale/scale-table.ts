/**
 * The scale table: per size and side, median load time with its spread, the ratio to bare
 * onnxruntime-web measured in the same run, correctness, and the browser's RSS over idle (peak
 * and settled) in MB and as a multiple of the model's bytes. Failed samples are counted and
 * their first error shown, never dropped silently.
 */
import { summarize } from '../lib/stats.js';
import type { ScaleResults, ScaleSample, ScaleSide, ScaleSize } from './scale-results.js';

const SIDES: readonly ScaleSide[] = ['edgeserve cold', 'edgeserve warm', 'edgeserve ext cold', 'edgeserve ext warm', 'bare', 'bare ext'];
/** The bare side each edgeserve row is divided by: the same file layout. */
const BASELINE: Partial<Record<ScaleSide, ScaleSide>> = {
  'edgeserve cold': 'bare',
  'edgeserve warm': 'bare',
  'edgeserve ext cold': 'bare ext',
  'edgeserve ext warm': 'bare ext',
};

const MB = 1e6;

export interface SideSummary {
  side: ScaleSide;
  n: number;
  ok: number;
  loadMs?: { median: number; min: number; max: number };
  firstPredictMs?: number;
  maxAbsDiff?: number;
  /** Medians over the ok samples, bytes over idle. */
  peakOverIdle?: number;
  settledOverIdle?: number;
  /** Median peak over idle of the failed samples: how far a load got before it failed. */
  failedPeakOverIdle?: number;
  errors: string[];
}

const median = (xs: number[]) => (xs.length ? summarize(xs).median : undefined);

export function summarizeSide(side: ScaleSide, samples: readonly ScaleSample[]): SideSummary {
  const all = samples.filter((s) => s.side === side);
  const ok = all.filter((s) => s.ok);
  const load = ok.map((s) => s.loadMs!).filter((x) => x !== undefined);
  const over = (key: 'peakBytes' | 'settledBytes') => median(ok.filter((s) => s[key] !== undefined).map((s) => s[key]! - s.idleBytes));
  const l = load.length ? summarize(load) : undefined;
  const fp = median(ok.map((s) => s.firstPredictMs!).filter((x) => x !== undefined));
  const diffs = ok.map((s) => s.maxAbsDiff).filter((x): x is number => x !== undefined);
  const peak = over('peakBytes');
  const settled = over('settledBytes');
  const failedPeak = median(all.filter((s) => !s.ok && s.peakBytes !== undefined).map((s) => s.peakBytes! - s.idleBytes));
  return {
    side,
    n: all.length,
    ok: ok.length,
    ...(l ? { loadMs: { median: l.median, min: l.min, max: l.max } } : {}),
    ...(fp !== undefined ? { firstPredictMs: fp } : {}),
    ...(diffs.length ? { maxAbsDiff: Math.max(...diffs) } : {}),
    ...(peak !== undefined ? { peakOverIdle: peak } : {}),
    ...(settled !== undefined ? { settledOverIdle: settled } : {}),
    ...(failedPeak !== undefined ? { failedPeakOverIdle: failedPeak } : {}),
    errors: [...new Set(all.filter((s) => !s.ok).map((s) => s.error ?? 'failed'))],
  };
}

const secs = (ms: number) => (ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
const mb = (bytes: number, model: number) => `${Math.round(bytes / MB).toLocaleString('en-US')} MB (${(bytes / model).toFixed(1)}×)`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

function row(size: ScaleSize, s: SideSummary, base: SideSummary | undefined): string {
  const failed = s.n - s.ok;
  const ratio = s.loadMs && base?.loadMs ? `${(s.loadMs.median / base.loadMs.median).toFixed(2)}×` : BASELINE[s.side] ? '–' : '';
  const correct = s.maxAbsDiff === undefined ? '–' : s.maxAbsDiff === 0 ? 'exact' : `max \\|Δ\\| ${s.maxAbsDiff}`;
  // Stack frames name bundle chunks (\` at e.onmessage (http://…/assets/scale-….js:5:8863)\`): not the cause.
  const errors = [...new Set(s.errors.map((e) => e.replace(/\s+at \S+ \(\S+\)/g, '')))];
  const note = failed ? `${failed} of ${s.n} failed: ${cell(errors.join('; ').slice(0, 160))}` : '';
  return `| ${size.mib >= 1024 ? `${size.mib / 1024} GB` : `${size.mib} MB`} | ${s.side} | ${s.ok}/${s.n} | ${s.loadMs ? `${secs(s.loadMs.median)} s (${secs(s.loadMs.min)}–${secs(s.loadMs.max)})` : 'failed'} | ${ratio} | ${s.firstPredictMs !== undefined ? `${Math.round(s.firstPredictMs)} ms` : '–'} | ${correct} | ${s.peakOverIdle !== undefined ? mb(s.peakOverIdle, size.modelBytes) : s.failedPeakOverIdle !== undefined ? `${mb(s.failedPeakOverIdle, size.modelBytes)} when it failed` : '–'} | ${s.settledOverIdle !== undefined ? mb(s.settledOverIdle, size.modelBytes) : '–'} | ${note} |`;
}

export function scaleTable(results: ScaleResults): string {
  const lines = [
    '| model | side | ok | load (median, min–max) | ÷ bare | first predict | output | peak RSS over idle (× model) | settled RSS over idle (× model) | failures |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const size of results.sizes) {
    const present = SIDES.filter((side) => size.samples.some((s) => s.side === side));
    const sums = new Map(present.map((side) => [side, summarizeSide(side, size.samples)]));
    for (const side of present) lines.push(row(size, sums.get(side)!, BASELINE[side] ? sums.get(BASELINE[side]!) : undefined));
  }
  return lines.join('\n');
}

/**
 * The runs the docs page shows: earlier runs keep the sizes a newer run did not measure (a
 * `--sizes 1024` run after a `--sizes 64,256` one leaves those two rows as they were); a run left
 * with no size is dropped. Newest last.
 */
export function mergeRuns(previous: readonly ScaleResults[], latest: ScaleResults): ScaleResults[] {
  const covered = new Set(latest.sizes.map((s) => s.mib));
  const kept = previous.map((r) => ({ ...r, sizes: r.sizes.filter((s) => !covered.has(s.mib)) })).filter((r) => r.sizes.length > 0);
  return [...kept, latest];
}

function runSection(results: ScaleResults): string {
  const e = results.environment;
  return `Written by \`${results.command}\` on ${results.date} (commit ${e.commit}); the run took ${Math.round(results.durationS)} s.
${e.browser}, ${e.cores} cores, ${Math.round(e.memTotalMb / 1024)} GB RAM, load average ${e.loadAverage.map((x) => x.toFixed(2)).join(' / ')} at the start;
WASM, ${results.settings.threads} thread${results.settings.threads === 1 ? '' : 's'}, ${results.settings.samples} sample${results.settings.samples === 1 ? '' : 's'} per side, each in a fresh Chromium on a new profile, sides in rotating order.
${results.packedExternal.length ? `External-data variants packed (edgeserve ext rows): ${results.packedExternal.join(', ')}.` : ''}

${scaleTable(results)}
`;
}

/** The whole docs page: which commands wrote it, when, on what, then the tables and how to read them. */
export function scalePage(runs: readonly ScaleResults[]): string {
  return `# Scale benchmark

<!-- Written by \`npm run bench -- --scale\` (bench/scale/run-scale.ts); do not edit by hand: run it again. -->
Written by ${runs.map((r) => `\`${r.command}\``).join(' and ')}; each table below says which wrote it, when, and from which commit.

${runs.map(runSection).join('\n')}
How to read it:
- Models: y = x · W, one fp32 MatMul, W square (64 MB = 4096², 256 MB = 8192², 1 GB = 16384²),
  weights small integers from a seeded generator, so the output is known exactly ("exact" = max |Δ| 0).
  Made once into \`.bench-scale/models\`: the single file, and graph + \`model.onnx_data\` made from it by
  \`edgeserve externalize\`; both packed by \`edgeserve pack\`'s code.
- **edgeserve cold**: an empty profile, \`runtime.load\` (download → check → store → session), then the first
  prediction; **warm**: a second page in the same profile after the cold one (from IndexedDB). **ext**: the
  external-data variant. **bare**: onnxruntime-web 1.30 alone in a worker, \`InferenceSession.create(url)\`;
  **bare ext**: the same with \`externalData: [{ path, data: url }]\`. All \`backend: 'wasm'\`, served from localhost.
- Load is from the call until the model is ready (runtime and worker start included); ÷ bare divides medians
  by the bare side with the same file layout, measured in the same run.
- RSS is the sum of VmRSS over Chromium's whole process tree (/proc), sampled every ~50 ms during the load
  and first prediction (peak) and 3 s after it (settled), each minus the same browser's idle RSS just
  before the load. × model is that over the single-file model's bytes.
- Settled is after V8 has freed the worker's JavaScript copy of the model, which an idle worker does only
  on a garbage collection: edgeserve has one run after the load (src/engines/onnx-release.ts); the bare
  sides' copy is freed or not by then as V8 happens to collect (bare ext here: 2.3× when it was, 3.3–3.4× when not).
- Load times are as loaded as the machine was (the load average above). edgeserve's cold path hashes and
  stores as it downloads, so it loses more to a busy 2-core machine than a plain fetch: 256 MB cold was
  0.94× of bare at load average 5 (commit 0f9608d) and 1.16× at 23–31 (f847323).
- Where edgeserve's cold load goes: the bench prints each sample's phases (ms from the load call to each
  progress phase's first event, and to the download's last) and when the store had the model ("stored
  at"; an edgeserve visit lasts until then, as an offline-first app's would, so the warm visit reads it
  and settled is after the writes). Before 92002a4 the store's writes held the download back: at 256 MB
  (2026-12-05 07:55 UTC, commit a1f3464) it ended at 9.2–10.5 s and the session was ready 0.9 s later —
  IndexedDB's writes, whose bytes Chromium moves from the worker's renderer process to the browser
  process (slow on this VM: \`bench/message-cost.ts\`), bounded the cold load. Since then a download of
  64 MiB or more runs ahead of its writes and is served once verified: the download ends at ~4–6 s,
  the model answers ~2 s later, and the store has it ~4 s after that.
`;
}
