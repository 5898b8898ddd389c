// fp32 vs int8 on onnxruntime-web's WASM backend (the kernels a browser runs), on real inputs:
// rendered text lines for the OCR models, synthetic speech-like audio for silero-vad.
// Small sets keep this file well under a minute; `npm run bench:quantize` uses larger ones.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { int8RecipeFor } from '../../tools/int8-recipes.js';
import { readModelFile } from '../../tools/onnx/model-io.js';
import { compareModels } from '../fixtures/compare.js';
import { MODEL_PATHS } from '../fixtures/model-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeserve-acc-'));
// Each makeInt8Variant also runs the quality gate (fp32 and int8 on 8 inputs).
const TIMEOUT = 120_000;

describe('int8 (dynamic, per-channel; ocr-det with its shipped exclusions) agrees with fp32', () => {
  it(
    'ocr-rec: decoded text identical on rendered lines, at ≤ 0.27× the bytes',
    async () => {
      const out = join(dir, 'rec.onnx');
      const made = await makeInt8Variant(MODEL_PATHS['ocr-rec'], out);
      expect(made.precision).toBe('int8');
      const c = await compareModels('ocr-rec', MODEL_PATHS['ocr-rec'], out, { samples: 30, timingRuns: 0 });
      console.info(`ocr-rec: ${(c.agreement! * 100).toFixed(1)}% of ${c.samples} lines decoded identically; size ${c.sizeRatio.toFixed(3)}×`);
      expect(c.agreement).toBeGreaterThanOrEqual(0.96);
      expect(c.sizeRatio).toBeLessThanOrEqual(0.27);
    },
    TIMEOUT,
  );

  it(
    'ocr-cls: top-1 (0°/180°) agreement',
    async () => {
      const out = join(dir, 'cls.onnx');
      await makeInt8Variant(MODEL_PATHS['ocr-cls'], out);
      const c = await compareModels('ocr-cls', MODEL_PATHS['ocr-cls'], out, { samples: 40, timingRuns: 0 });
      console.info(`ocr-cls: top-1 agreement ${(c.agreement! * 100).toFixed(1)}%`);
      expect(c.agreement).toBeGreaterThanOrEqual(0.9);
    },
    TIMEOUT,
  );

  // The recipe `npm run models` ships (the first five Convs float, see tools/int8-recipes.ts).
  // Primary: text-mask IoU at the DB threshold (0.3), what decides the boxes; secondary: cosine.
  // These 8 pages (seed 1) measured IoU mean 0.985 / worst page 0.978, cosine 0.996 / 0.993;
  // the bounds leave room for rendering drift (over 200 pages the worst IoU is 0.941); the plain
  // recipe (no exclusions: 0.909 / 0.796, cosine 0.957 / 0.890 here) fails every one of them.
  it(
    'ocr-det (shipped recipe): text-mask IoU and cosine of the probability maps, per page',
    async () => {
      const out = join(dir, 'det.onnx');
      const recipe = int8RecipeFor('ocr-det');
      const made = await makeInt8Variant(MODEL_PATHS['ocr-det'], out, recipe);
      // The exclusions are node names: if a new model export renamed them, the recipe would
      // silently become the plain one. They must still be float Convs.
      const convs = new Set(
        readModelFile(out)
          .model.graph!.node!.filter((n) => n.opType === 'Conv')
          .map((n) => n.name),
      );
      expect(recipe.exclude?.length).toBeGreaterThan(0);
      for (const name of recipe.exclude ?? []) expect(convs.has(name)).toBe(true);
      const c = await compareModels('ocr-det', MODEL_PATHS['ocr-det'], out, { samples: 8, timingRuns: 0 });
      console.info(
        `ocr-det (${made.recipe}): text-mask IoU mean ${c.maskIoU!.toFixed(4)} worst ${c.minMaskIoU!.toFixed(4)}, ` +
          `cosine mean ${c.cosine!.toFixed(5)} worst ${c.minCosine!.toFixed(5)}, size ${c.sizeRatio.toFixed(3)}×`,
      );
      expect(c.maskIoU).toBeGreaterThanOrEqual(0.96);
      expect(c.minMaskIoU).toBeGreaterThanOrEqual(0.93);
      expect(c.cosine).toBeGreaterThanOrEqual(0.985);
      expect(c.minCosine).toBeGreaterThanOrEqual(0.97);
      expect(c.sizeRatio).toBeLessThanOrEqual(0.29);
    },
    TIMEOUT,
  );

  it(
    'silero-vad (shipped recipe; If subgraphs, LSTM state carried): cosine of speech probabilities',
    async () => {
      const out = join(dir, 'vad.onnx');
      const made = await makeInt8Variant(MODEL_PATHS['silero-vad'], out, int8RecipeFor('silero-vad'));
      expect(made.quantized.Conv).toBeGreaterThan(0);
      const c = await compareModels('silero-vad', MODEL_PATHS['silero-vad'], out, { samples: 48, timingRuns: 0 });
      console.info(`silero-vad: cosine ${c.cosine!.toFixed(5)}`);
      expect(c.cosine).toBeGreaterThan(0.999);
    },
    TIMEOUT,
  );
});

describe('other modes run on onnxruntime-web and stay close', () => {
  it(
    'weight-only: int8 weights, float compute, ~4× smaller',
    async () => {
      const out = join(dir, 'rec-wo.onnx');
      const made = await makeInt8Variant(MODEL_PATHS['ocr-rec'], out, { mode: 'weight-only' });
      expect(made.precision).toBe('int8-weight-only');
      const c = await compareModels('ocr-rec', MODEL_PATHS['ocr-rec'], out, { samples: 12, timingRuns: 0 });
      expect(c.agreement).toBeGreaterThanOrEqual(0.9);
      expect(c.sizeRatio).toBeLessThan(0.28);
    },
    TIMEOUT,
  );

  // The recipe table's rendered-text calibration (what `npm run models` uses when a recipe is
  // static). Measured 98.5 % of 200 crops; with the Convs that BatchNormalization follows left
  // out of calibration (the bug this guards) they silently stayed float.
  it(
    "static QDQ with the recipe's rendered-text calibration (per-channel, opset raised 9 → 13)",
    async () => {
      const out = join(dir, 'cls-static.onnx');
      const made = await makeInt8Variant(MODEL_PATHS['ocr-cls'], out, { ...int8RecipeFor('ocr-cls'), mode: 'static' });
      expect(made.recipe).toBe('quantize --mode static --per-channel');
      expect(made.agreement).toMatchObject({ inputs: 'calibration', passed: true });
      const ops = readModelFile(out).model.graph!.node!.map((n) => n.opType);
      // Each QDQ unit quantizes its input and its output: 70 QuantizeLinear here, 38 when the Convs
      // that BatchNormalization follows found no output range.
      expect(ops.filter((op) => op === 'QuantizeLinear').length).toBeGreaterThanOrEqual(60);
      const c = await compareModels('ocr-cls', MODEL_PATHS['ocr-cls'], out, { samples: 40, timingRuns: 0 });
      console.info(`ocr-cls static: top-1 agreement ${(c.agreement! * 100).toFixed(1)}%`);
      expect(c.agreement).toBeGreaterThanOrEqual(0.95);
    },
    TIMEOUT,
  );

  it(
    '--exclude keeps named nodes and op types in float',
    async () => {
      const out = join(dir, 'cls-ex.onnx');
      const all = await makeInt8Variant(MODEL_PATHS['ocr-cls'], out);
      // A Conv that the default recipe did make integer (tiny ones stay float anyway).
      const integer = readModelFile(out).model.graph!.node!.find((n) => n.opType === 'ConvInteger')!;
      const name = integer.name!.replace(/_quant$/, '');
      const some = await makeInt8Variant(MODEL_PATHS['ocr-cls'], out, { exclude: ['MatMul', name] });
      expect(all.quantized.MatMul).toBe(1);
      expect(some.quantized.MatMul).toBeUndefined();
      expect(some.quantized.Conv).toBe(all.quantized.Conv! - 1);
      const none = await makeInt8Variant(MODEL_PATHS['ocr-cls'], join(dir, 'none.onnx'), { exclude: ['MatMul', 'Conv'] });
      expect(none.bytesOut).toBe(0);
    },
    TIMEOUT,
  );
});
