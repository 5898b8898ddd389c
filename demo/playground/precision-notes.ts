/**
 * What each reduced precision changes, in a line the variant's card shows under what its gate
 * measured: so a user reading "fp16: same speed" or "q4: barely smaller" knows why
 * (docs/quantization.md, "fp16 and q4", has the figures).
 */
import type { Precision } from '../../src/index.js';

export const PRECISION_NOTES: Readonly<Partial<Record<Precision, string>>> = {
  fp16:
    'fp16 stores the weights as float16 (half the download) and casts them back to float32 in the model: ' +
    'inputs, outputs and arithmetic stay float32, so expect about the speed of fp32 and nearly its outputs.',
  q4: 'q4 packs only MatMul/Gemm weights in 4 bits, a scale per 32 (MatMulNBits); Convs stay float32, ' + 'so a model made mostly of Convs barely shrinks.',
};
