/**
 * The fp16 and q4 variants `npm run models` ships beside fp32 and int8, and why each model has
 * the ones it has. Both go through the quality gate on the same real samples as int8 (rendered
 * text, voiced tones); a variant that fails it, or that has nothing to quantize, is left out and
 * the reason printed. Measured with `npm run bench:precisions` (docs/quantization.md, "fp16 and q4").
 */
import { basename, join } from 'node:path';
import type { Precision, VariantAgreement } from '../../src/manifest/schema.js';
import type { Int8VariantOptions } from '../make-int8-variant.js';

export type ExtraPrecision = Extract<Precision, 'fp16' | 'q4'>;

/**
 * Per model, the precisions tried, from what the gate said when they were made (2026-12-05,
 * onnxruntime-web 1.30 WASM, 8 real samples each):
 * - fp16 passes on all four ONNX models (top-1/decisions ≥ 99.998 %, max |Δ| ≤ 0.03 on the
 *   outputs that decide; silero-vad's state drifts by ≤ 0.25 with a cosine of 0.9995): half the bytes.
 * - q4 quantizes MatMul/Gemm weights only. ocr-rec has nine (its SVTR neck and CTC head): 0.69×
 *   the bytes, top-1 99.1 % per CTC step. ocr-cls has one small MatMul (the 200×2 head): it passes
 *   and saves almost nothing (0.999×), and is shipped anyway so the smallest model exercises
 *   MatMulNBits (the WebGPU e2e specs run ocr-cls only). ocr-det and silero-vad have no
 *   MatMul/Gemm weight: quantize makes nothing, so no q4 variant.
 */
export const EXTRA_PRECISIONS: Readonly<Record<string, readonly ExtraPrecision[]>> = {
  'ocr-cls': ['fp16', 'q4'],
  'ocr-det': ['fp16'],
  'ocr-rec': ['fp16', 'q4'],
  'silero-vad': ['fp16'],
};

export interface ExtraVariant {
  precision: ExtraPrecision;
  path: string;
  opset: number;
  recipe: string;
  agreement?: VariantAgreement;
}

/**
 * Makes each extra precision of one model from its fp32 file; `recipe` supplies the gate's real
 * samples (the int8 recipe's, computed once by the caller). Left-out variants are reported through `warn`.
 */
export async function makeExtraVariants(id: string, fp32Path: string, dir: string, recipe: Int8VariantOptions, warn: (line: string) => void): Promise<ExtraVariant[]> {
  const { makeInt8Variant } = await import('../make-int8-variant.js');
  const { ToolError } = await import('../tool-error.js');
  const made: ExtraVariant[] = [];
  for (const precision of EXTRA_PRECISIONS[id] ?? []) {
    const path = join(dir, basename(fp32Path).replace(/\.onnx$/, `.${precision}.onnx`));
    // The int8 recipe's exclusions are int8's own sensitivity findings: fp16 and q4 start from none.
    const gate: Int8VariantOptions = {
      mode: precision,
      ...(recipe.gateSamples ? { gateSamples: recipe.gateSamples } : {}),
      ...(recipe.gateReference ? { gateReference: recipe.gateReference } : {}),
    };
    const result = await makeInt8Variant(fp32Path, path, gate).catch((err: unknown) => {
      if (err instanceof ToolError && err.code === 'GATE_FAILED') return void warn(`${id}: ${precision} not shipped — ${err.message}`);
      throw err;
    });
    if (!result) continue;
    if (result.bytesOut === 0) {
      warn(`${id}: ${precision} not shipped — nothing to quantize (${precision === 'q4' ? 'no MatMul/Gemm weights' : 'no float weights'})`);
      continue;
    }
    made.push({ precision, path, opset: result.opset, recipe: result.recipe, ...(result.agreement ? { agreement: result.agreement } : {}) });
  }
  return made;
}
