/**
 * Per-layer sensitivity of dynamic int8, for choosing --exclude: quantizes the model with every
 * dense Conv/MatMul integer except one (plus --base, the ones already kept float), one layer at a
 * time, and prints how far each variant's output is from fp32 (mean cosine; text-mask IoU for
 * ocr-det). The layers whose float copy helps most are the ones worth excluding; run again with
 * them in --base to see whether anything else still matters (errors don't simply add up).
 * How INT8_RECIPES["ocr-det"] was found (then checked on 200 pages with npm run bench:quantize):
 *   npx tsx bench/quantize/sensitivity.ts --model ocr-det --samples 6
 *   npx tsx bench/quantize/sensitivity.ts --model ocr-det --samples 6 --base p2o.Conv.2
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { readModelFile } from '../../tools/onnx/model-io.js';
import { compareModels } from '../../test/fixtures/compare.js';
import { MODEL_PATHS } from '../../test/fixtures/model-paths.js';
import type { BenchModelId } from '../../test/fixtures/model-paths.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'ocr-det' },
    samples: { type: 'string', default: '6' },
    base: { type: 'string', default: '' },
  },
});
const id = values.model as BenchModelId;
const base = values.base.split(',').filter(Boolean);
const samples = Number(values.samples);

/** Layers dynamic mode makes integer: MatMuls and non-grouped Convs (depthwise stay float). */
function integerLayers(path: string): string[] {
  return readModelFile(path)
    .model.graph!.node!.filter((n) => n.opType === 'MatMul' || (n.opType === 'Conv' && Number(n.attribute?.find((a) => a.name === 'group')?.i ?? 1) === 1))
    .map((n) => n.name!)
    .filter((name) => name && !base.includes(name));
}

const dir = mkdtempSync(join(tmpdir(), 'edgeserve-sens-'));
const fmt = (x: number | null): string => (x === null ? '—' : x.toFixed(4));
try {
  const out = join(dir, 'variant.onnx');
  const score = async (exclude: string[]): Promise<string> => {
    // The sweep scores every variant itself, including the bad ones the gate would refuse.
    await makeInt8Variant(MODEL_PATHS[id], out, { exclude, gate: false });
    const c = await compareModels(id, MODEL_PATHS[id], out, { samples, timingRuns: 0 });
    return `cosine ${fmt(c.cosine)}  mask IoU ${fmt(c.maskIoU)} (worst ${fmt(c.minMaskIoU)})  agreement ${fmt(c.agreement)}`;
  };
  console.log(`${'float: --base only'.padEnd(24)} ${await score(base)}`);
  for (const name of integerLayers(MODEL_PATHS[id])) console.log(`${`float: + ${name}`.padEnd(24)} ${await score([...base, name])}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
