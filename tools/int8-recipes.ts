/**
 * The int8 recipe each shipped model gets, by model id: what `npm run models` builds, what
 * `npm run bench:quantize` measures by default and what the accuracy tests check, so the three
 * can't drift apart. Models not listed take makeInt8Variant's default (dynamic, per-channel).
 */
import type { Int8VariantOptions } from './make-int8-variant.js';
import { vadGateSamples } from './models/gate-audio.js';
import type { OcrModelId } from './models/ocr-calibration.js';

/**
 * Rendered-text calibration for the OCR models, used only when a recipe's mode is 'static'
 * (the dynamic recipes shipped today ignore it, so `npm run models` pays nothing for it). Sizes
 * keep a static build within seconds: rendering is ~1 ms a sample, calibration one fp32 run each.
 */
const CALIBRATION_SAMPLES: Readonly<Record<OcrModelId, number>> = { 'ocr-cls': 16, 'ocr-det': 8, 'ocr-rec': 16 };
const ocrCalibrationFor = (id: OcrModelId) => async () => (await import('./models/ocr-calibration.js')).ocrCalibration(id, CALIBRATION_SAMPLES[id]);

const INT8_RECIPES: Readonly<Record<string, Int8VariantOptions>> = {
  // Static QDQ (QLinearConv/QLinearMatMul) was measured against these dynamic recipes in Chromium
  // and lost on all three OCR models (README "int8"): onnxruntime-web's QLinearConv is slower than
  // its ConvInteger here, and every float op between QDQ units (hardswish, SE gates, residual
  // Adds) costs a QuantizeLinear and NCHW↔NHWC Transposes. Set mode: 'static' to rebuild one.
  // The gate runs on rendered text too (the same samples: a dynamic recipe calibrates nothing
  // on them): inputs generated from the specs are noise, on which a detector's map means nothing.
  'ocr-cls': { calibrationSamples: ocrCalibrationFor('ocr-cls'), gateSamples: ocrCalibrationFor('ocr-cls') },
  'ocr-rec': { calibrationSamples: ocrCalibrationFor('ocr-rec'), gateSamples: ocrCalibrationFor('ocr-rec') },
  // PP-OCRv4 det: the backbone's first five dense Convs stay float (3→16, 16→32 at 1/2
  // resolution, 32→48, 48→48 at 1/4, 48→96 at 1/8; node names from paddle2onnx). A
  // leave-one-float sweep (bench/quantize/sensitivity.ts) showed the loss comes from these early
  // maps: the activation after the stem spans −0.2…34 on a white page, so a dynamic uint8 step
  // (~0.14) wipes out the small values glyph edges are made of, and the error carries through the
  // FPN to the mask. No later layer (neck, head) moved the result beyond noise. Only p2o.Conv.2
  // and .4 were needed for the mean, but all five also fix the worst pages (text-mask IoU at the
  // DB threshold on 200 pages: mean 0.919 → 0.980, worst page 0.738 → 0.941; just .2/.4: 0.979,
  // worst 0.892), for 0.02–0.03× of fp32's latency and +0.005× size. See README "int8".
  'ocr-det': {
    exclude: ['p2o.Conv.0', 'p2o.Conv.2', 'p2o.Conv.4', 'p2o.Conv.6', 'p2o.Conv.8'],
    calibrationSamples: ocrCalibrationFor('ocr-det'),
    gateSamples: ocrCalibrationFor('ocr-det'),
  },
  // silero-vad v5: the second encoder Conv (encoder.1, in both If branches) stays float. A
  // leave-one-in sweep (weight-only, one Conv at a time) showed int8 weights on it alone move a
  // voiced tone's speech probability from ~0.2 to ~0.8 with the LSTM state carried, while every
  // other Conv (the STFT basis included) moves it by < 0.11; cosine over the sequence missed it.
  // Checked by test/tools/vad-int8-decisions.test.ts (absolute error, decisions at 0.5).
  'silero-vad': {
    // The quality gate runs voiced tones and noise (random inputs passed the broken variant).
    gateSamples: vadGateSamples,
    exclude: ['If_0_then_branch__Inline_0__/encoder/1/reparam_conv/Conv', 'If_0_else_branch__Inline_0__/encoder/1/reparam_conv/Conv'],
  },
};

export function int8RecipeFor(id: string): Int8VariantOptions {
  return INT8_RECIPES[id] ?? {};
}
