/**
 * Where an int8 variant spends its time, op type by op type, next to fp32: onnxruntime-web's own
 * per-node profile (`enableProfiling`), WASM SIMD in Node, 1 thread, on rendered inputs. The
 * fp32 model and the int8 variant (the shipped recipe, or --int8 <file>) each run in a child
 * process, because the WASM build prints the profile's JSON to stdout when profiling ends.
 * The first two runs are warm-up and not counted. Not a test; noisy on a shared machine.
 *   npx tsx bench/quantize/profile-ops.ts --model ocr-cls [--runs 12] [--int8 model.int8.onnx]
 */
import { median } from '../../src/stats.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { int8RecipeFor } from '../../tools/int8-recipes.js';
import { createSession } from '../../tools/ort-node.js';
import { MODEL_BENCH } from '../../test/fixtures/model-inputs.js';
import { MODEL_PATHS } from '../../test/fixtures/model-paths.js';
import type { BenchModelId } from '../../test/fixtures/model-paths.js';

const WARMUP = 2;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'ocr-cls' },
    runs: { type: 'string', default: '12' },
    int8: { type: 'string' },
    child: { type: 'string' },
  },
});
const id = values.model as BenchModelId;

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  ts: number;
  args?: { op_name?: string };
}
interface OpTimes {
  perRunMs: number;
  byOp: Map<string, { ms: number; nodes: number }>;
}

/** Child: run the model with profiling on; the WASM module prints the events to stdout. */
async function child(path: string): Promise<void> {
  const session = await createSession(readFileSync(path), { enableProfiling: true });
  for (const sample of MODEL_BENCH[id].samples(Number(values.runs) + WARMUP, 7)) await session.run(sample.feeds);
  session.endProfiling();
}

function profile(path: string): OpTimes {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--model', id, '--runs', values.runs, '--child', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const events = JSON.parse(out.slice(out.indexOf('['), out.lastIndexOf(']') + 1)) as ProfileEvent[];
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const counted = runs.slice(WARMUP);
  const from = counted[0]?.ts ?? 0;
  const byOp = new Map<string, { ms: number; nodes: number }>();
  for (const e of events) {
    const op = e.args?.op_name;
    if (e.cat !== 'Node' || !op || !e.name.endsWith('_kernel_time') || e.ts < from) continue;
    const row = byOp.get(op) ?? { ms: 0, nodes: 0 };
    row.ms += e.dur / 1000 / counted.length;
    row.nodes += 1 / counted.length;
    byOp.set(op, row);
  }
  return { perRunMs: median(counted.map((r) => r.dur / 1000)), byOp };
}

if (values.child) {
  await child(values.child);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'edgeserve-profile-'));
  try {
    let int8 = values.int8;
    if (!int8) {
      int8 = join(dir, `${id}.int8.onnx`);
      await makeInt8Variant(MODEL_PATHS[id], int8, { ...int8RecipeFor(id), gate: false });
    }
    const fp32 = profile(MODEL_PATHS[id]);
    const q = profile(int8);
    const total = (t: OpTimes) => [...t.byOp.values()].reduce((s, r) => s + r.ms, 0);
    const ops = [...new Set([...fp32.byOp.keys(), ...q.byOp.keys()])].sort(
      (a, b) => Math.max(q.byOp.get(b)?.ms ?? 0, fp32.byOp.get(b)?.ms ?? 0) - Math.max(q.byOp.get(a)?.ms ?? 0, fp32.byOp.get(a)?.ms ?? 0),
    );
    const cell = (t: OpTimes, op: string) => {
      const r = t.byOp.get(op);
      return r ? `${r.ms.toFixed(2)} (${Math.round(r.nodes)})` : '—';
    };
    console.log(
      `${id}: median run fp32 ${fp32.perRunMs.toFixed(2)} ms, int8 ${q.perRunMs.toFixed(2)} ms; kernels fp32 ${total(fp32).toFixed(2)} ms, int8 ${total(q).toFixed(2)} ms (${values.runs} runs, 1 thread)\n`,
    );
    console.log('| op | fp32 ms/run (nodes) | int8 ms/run (nodes) |\n|---|---|---|');
    for (const op of ops) console.log(`| ${op} | ${cell(fp32, op)} | ${cell(q, op)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
