/**
 * `npm run bench:precisions`: the shipped variants of each ONNX model (fp32, int8, fp16, q4: what
 * `npm run models` wrote to public/models) side by side, one table:
 * - bytes, from the manifest, and × fp32;
 * - agreement with fp32 on real samples not used by the gate (rendered text lines, crops and
 *   pages, voiced audio), in Node on onnxruntime-web WASM (the kernels a page's WASM runs):
 *   decisions (top-1 per row or CTC step, probabilities on the same side of 0.5), lines read
 *   identically (ocr-rec), text-mask IoU (ocr-det), and the error: max, 99th-percentile and
 *   mean |Δ|, relative error;
 * - speed in the page: Chromium, edgeserve on WASM, every precision of a model loaded in one page
 *   and called in turn (ABCD DCBA …); repeated in `--repeats` fresh browser contexts; each
 *   repeat gives a median per precision and a paired ratio to fp32 (median of per-round ratios),
 *   printed as the median over repeats with their range.
 *   npm run bench:precisions -- [--models ocr-rec,ocr-cls] [--repeats 5] [--iterations 20]
 *     [--samples 40] [--backend wasm-1|wasm-threaded] [--port 4201] [--no-build]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Manifest } from '../../src/manifest/schema.js';
import { median } from '../../src/stats.js';
import { iou } from '../../test/fixtures/compare.js';
import { MODEL_BENCH } from '../../test/fixtures/model-inputs.js';
import type { BenchModelId } from '../../test/fixtures/model-paths.js';
import { compareOutput, concat, type OutputAgreement } from '../../tools/quantize/quality-gate.js';
import { createSession, type ort } from '../../tools/ort-node.js';
import { openBench, step } from '../lib/bench-page.js';
import { launch } from '../lib/browser.js';
import type { BenchBackend, CellSpec } from '../lib/cell.js';
import { threadsFor } from '../lib/run-cell.js';
import { serve } from '../lib/server.js';
import { pairedRatio } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'ocr-cls,ocr-det,ocr-rec,silero-vad' },
    repeats: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    samples: { type: 'string', default: '40' },
    backend: { type: 'string', default: 'wasm-1' },
    port: { type: 'string', default: process.env.BENCH_PORT ?? '4201' },
    build: { type: 'boolean', default: true },
  },
  allowNegative: true,
});

const root = fileURLToPath(new URL('../..', import.meta.url));
const modelsDir = join(root, 'public', 'models');
const log = (line: string) => process.stderr.write(`${line}\n`);
const ORDER = ['fp32', 'int8', 'fp16', 'q4'] as const;
type Shipped = (typeof ORDER)[number];
/** Agreement samples come from another seed than the gate's and the accuracy tests'. */
const SEED = 77;

interface Agreement {
  outputs: OutputAgreement[];
  /** Share of samples whose readout (ocr-rec's decoded line, ocr-cls's direction) is identical. */
  readouts?: number;
  /** ocr-det: mean and worst text-mask IoU at the DB threshold. */
  maskIoU?: { mean: number; worst: number };
}

/** fp32 and one variant on the same samples (a stateful model carries each one's own state). */
async function agreement(id: BenchModelId, fp32: string, variant: string, n: number): Promise<Agreement> {
  const bench = MODEL_BENCH[id];
  const sessions = [await createSession(readFileSync(fp32)), await createSession(readFileSync(variant))] as const;
  const state: (ort.Tensor | undefined)[] = [undefined, undefined];
  const outs = new Map<string, { dims: readonly number[]; ref: Float32Array[]; got: Float32Array[] }>();
  let same = 0;
  let strings = 0;
  const ious: number[] = [];
  try {
    for (const sample of bench.samples(n, SEED)) {
      const results = [];
      for (const k of [0, 1] as const) {
        const carry = bench.carry;
        const out = await sessions[k].run(carry && state[k] ? { ...sample.feeds, [carry.to]: state[k]! } : sample.feeds);
        if (carry) state[k] = out[carry.from] as ort.Tensor;
        results.push(out);
      }
      const [a, b] = results as [ort.InferenceSession.OnnxValueMapType, ort.InferenceSession.OnnxValueMapType];
      for (const name of sessions[0].outputNames) {
        const x = a[name] as ort.Tensor;
        const y = b[name] as ort.Tensor;
        if (x.type !== 'float32') continue;
        const entry = outs.get(name) ?? { dims: x.dims, ref: [], got: [] };
        entry.ref.push(x.data as Float32Array);
        entry.got.push(y.data as Float32Array);
        outs.set(name, entry);
      }
      const [ra, rb] = [bench.readout(a), bench.readout(b)];
      if (typeof ra === 'string') {
        strings++;
        if (ra === rb) same++;
      } else if (bench.threshold !== undefined && typeof rb !== 'string') {
        ious.push(iou(ra, rb, bench.threshold));
      }
    }
  } finally {
    for (const s of sessions) await s.release();
  }
  return {
    outputs: [...outs].map(([name, o]) => compareOutput(name, concat(o.ref), concat(o.got), o.dims)),
    ...(strings ? { readouts: same / strings } : {}),
    ...(ious.length ? { maskIoU: { mean: ious.reduce((s, v) => s + v, 0) / ious.length, worst: Math.min(...ious) } } : {}),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
const spread = (xs: number[], f: (x: number) => string) => `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;

function describeAgreement(id: string, a: Agreement | undefined): [string, string] {
  if (!a) return ['(reference)', '—'];
  const decisions = a.outputs.flatMap((o) =>
    o.agreement === null ? [] : [`${o.kind === 'classifier' ? (id === 'ocr-rec' ? 'top-1 per CTC step' : 'top-1') : 'decisions at 0.5'} ${pct(o.agreement)}`],
  );
  const extra = [
    ...(a.readouts !== undefined ? [`${id === 'ocr-rec' ? 'lines read alike' : 'same direction'} ${pct(a.readouts)}`] : []),
    ...(a.maskIoU ? [`text-mask IoU ${a.maskIoU.mean.toFixed(3)} (worst ${a.maskIoU.worst.toFixed(3)})`] : []),
  ];
  const errors = a.outputs.map(
    (o) =>
      `${a.outputs.length > 1 ? `${o.name}: ` : ''}max ${num(o.maxAbs)}, p99 ${num(o.p99Abs)}, mean ${num(o.meanAbs)}, rel ${num(o.relative)}${o.kind === 'features' ? `, cos ${o.cosine.toFixed(4)}` : ''}`,
  );
  return [[...decisions, ...extra].join('; ') || '—', errors.join('; ')];
}

const backend = values.backend as BenchBackend;
const port = Number(values.port);
const started = loadavg();
if (values.build) {
  log('bench:precisions: building the bench page…');
  const outDir = join(tmpdir(), `edgeserve-bench-precisions-${port}`);
  const r = spawnSync('npx', ['vite', 'build', '-c', 'bench/vite.config.ts', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_PORT: String(port) },
  });
  if (r.status !== 0) throw new Error('vite build of the bench page failed');
}
const server = await serve(port, join(tmpdir(), `edgeserve-bench-precisions-${port}`));
const browser = await launch({ gpu: false, headed: false });
const chromium = browser.version();
const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')) as Manifest;
const rows: string[] = [
  '| model | precision | bytes (× fp32) | agreement with fp32 | error vs fp32 | page ms, median (range) | × fp32 in the page, median (range) | ran on |',
  '|---|---|---|---|---|---|---|---|',
];
try {
  for (const id of values.models.split(',') as BenchModelId[]) {
    const variants = manifest.models.find((m) => m.id === id)?.versions[0]?.variants ?? [];
    const path = (p: Shipped) => join(modelsDir, variants.find((v) => v.precision === p)!.files[0]!.url);
    const bytes = (p: Shipped) => variants.find((v) => v.precision === p)!.files.reduce((n, f) => n + f.bytes, 0);
    const precisions = ORDER.filter((p) => variants.some((v) => v.precision === p));
    if (!precisions.includes('fp32') || precisions.length < 2) continue;
    const agreements: Partial<Record<Shipped, Agreement>> = {};
    for (const p of precisions.filter((x) => x !== 'fp32')) {
      log(`${id} ${p}: agreement with fp32 on ${values.samples} samples…`);
      agreements[p] = await agreement(id, path('fp32'), path(p), Number(values.samples));
    }
    const medians = new Map<Shipped, number[]>(precisions.map((p) => [p, []]));
    const ratios = new Map<Shipped, number[]>(precisions.map((p) => [p, []]));
    let ran: Record<string, string> = {};
    const spec: CellSpec = { model: id, backend, precision: 'fp32', iterations: Number(values.iterations), warmup: Number(values.warmup) };
    for (let r = 0; r < Number(values.repeats); r++) {
      const context = await browser.newContext();
      try {
        const page = await openBench(context, server.url, threadsFor(backend, 4), log);
        // Each repeat starts the precisions in another order, so no one always loads first.
        const order = precisions.map((_, i) => precisions[(i + r) % precisions.length]!);
        const set = await step(page, 'precisionSet', spec, [...order]);
        ran = set.ran;
        for (const p of precisions) {
          medians.get(p)!.push(median(set.times[p]!));
          ratios.get(p)!.push(pairedRatio(set.times[p]!, set.times.fp32!));
        }
        log(`${id} repeat ${r + 1}: ${precisions.map((p) => `${p} ${median(set.times[p]!).toFixed(1)} ms`).join(', ')}`);
      } finally {
        await context.close();
      }
    }
    for (const p of precisions) {
      const [agrees, errors] = describeAgreement(id, agreements[p]);
      rows.push(
        `| ${id} | ${p} | ${(bytes(p) / 1e6).toFixed(2)} MB (${(bytes(p) / bytes('fp32')).toFixed(3)}×) | ${agrees} | ${errors} | ` +
          `${spread(medians.get(p)!, (x) => x.toFixed(1))} | ${p === 'fp32' ? '1' : spread(ratios.get(p)!, (x) => `${x.toFixed(2)}×`)} | ${ran[p] ?? '?'} |`,
      );
    }
  }
} finally {
  await browser.close();
  server.stop();
}
const ended = loadavg();
const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
console.log(
  `npm run bench:precisions -- ${process.argv.slice(2).join(' ')}`.trim() +
    `\n${new Date().toISOString()}, Chromium ${chromium}, ${backend}, ${values.repeats} fresh contexts × ${values.iterations} calls a precision (after ${values.warmup} warm-ups), ` +
    `agreement on ${values.samples} samples a model; load average (1/5/15 min) ${la(started)} at start, ${la(ended)} at end\n`,
);
console.log(rows.join('\n'));
