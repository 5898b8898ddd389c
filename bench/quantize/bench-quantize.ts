/**
 * `npm run bench:quantize`: for each ONNX model, makes the int8 variant (dynamic per-channel,
 * with the exclusions `npm run models` ships in tools/int8-recipes.ts unless --exclude is
 * given; or --mode …), then prints fp32 vs int8 median latency on onnxruntime-web WASM SIMD (1 thread,
 * Node), their ratio, the size ratio and the output agreement. Not a test: figures depend on the
 * machine; run nothing else heavy meanwhile.
 *   npm run bench:quantize -- [--models ocr-rec,ocr-cls] [--samples 200] [--runs 30] [--mode dynamic]
 *   npm run bench:quantize -- --models ocr-det --exclude=   # the plain default recipe, no exclusions
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { int8RecipeFor } from '../../tools/int8-recipes.js';
import type { QuantMode } from '../../tools/quantize/quantize-model.js';
import type { ConvPolicy } from '../../tools/quantize/dynamic.js';
import { compareModels } from '../../test/fixtures/compare.js';
import { MODEL_BENCH } from '../../test/fixtures/model-inputs.js';
import { MODEL_PATHS } from '../../test/fixtures/model-paths.js';
import type { BenchModelId } from '../../test/fixtures/model-paths.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: Object.keys(MODEL_PATHS).join(',') },
    samples: { type: 'string', default: '200' },
    runs: { type: 'string', default: '30' },
    mode: { type: 'string', default: 'dynamic' },
    convs: { type: 'string', default: 'dense' },
    'per-channel': { type: 'boolean', default: true },
    calibration: { type: 'string', default: '16' },
    // No default: absent means the shipped recipe's exclusions, `--exclude=` means none.
    exclude: { type: 'string' },
  },
  allowNegative: true,
});

const dir = mkdtempSync(join(tmpdir(), 'edgeserve-bench-'));
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const rows: string[] = [
  '| model | fp32 median ms | int8 median ms | int8/fp32 (ratio of medians) | int8/fp32 (median of paired runs) | size int8/fp32 | agreement (fp32 = int8) | cosine | recipe |',
  '|---|---|---|---|---|---|---|---|---|',
];
try {
  for (const id of values.models.split(',') as BenchModelId[]) {
    const out = join(dir, `${id}.int8.onnx`);
    const samples = Number(values.samples);
    process.stderr.write(`${id}: quantizing…\n`);
    const mode = values.mode as QuantMode;
    const calibration = mode === 'static' ? MODEL_BENCH[id].samples(Number(values.calibration), 999).map((s) => s.feeds) : undefined;
    const made = await makeInt8Variant(MODEL_PATHS[id], out, {
      mode,
      perChannel: values['per-channel'],
      convs: values.convs as ConvPolicy,
      calibration,
      exclude: values.exclude === undefined ? (int8RecipeFor(id).exclude ?? []) : values.exclude.split(',').filter(Boolean),
      // This script measures agreement itself, on larger sets: a recipe under study must be
      // written even when it would fail the gate.
      gate: false,
    });
    if (made.bytesOut === 0) {
      rows.push(`| ${id} | nothing to quantize |`);
      continue;
    }
    process.stderr.write(`${id}: comparing on ${samples} samples, timing ${values.runs} interleaved runs…\n`);
    const c = await compareModels(id, MODEL_PATHS[id], out, { samples, timingRuns: Number(values.runs) });
    const acc = c.fp32Accuracy === null ? '' : ` (vs ground truth: fp32 ${pct(c.fp32Accuracy)}, int8 ${pct(c.int8Accuracy)})`;
    rows.push(
      `| ${id} | ${c.fp32Ms.toFixed(1)} | ${c.int8Ms.toFixed(1)} | ${(c.int8Ms / c.fp32Ms).toFixed(2)}× | ${c.pairedRatio.toFixed(2)}× | ${c.sizeRatio.toFixed(3)}× | ` +
        `${c.agreement === null ? '—' : `${pct(c.agreement)} of ${c.samples}${acc}`} | ${c.cosine === null ? '—' : c.cosine.toFixed(5)}${c.maskIoU === null ? '' : ` (text-mask IoU ${c.maskIoU.toFixed(3)}, worst page ${c.minMaskIoU!.toFixed(3)})`} | ${made.recipe} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.join('\n'));
