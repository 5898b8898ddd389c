// silero-vad's int8 variant, as `npm run models` makes it, must give the same speech decisions
// as fp32 — measured as probabilities (absolute error) and as decisions at 0.5, because a cosine
// of a probability sequence cannot see a constant offset (the shipped variant once read 0.77–0.89
// where fp32 reads 0.19–0.23 on a voiced tone, while its cosine was 1.000).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { int8RecipeFor } from '../../tools/int8-recipes.js';
import { createSession, ort } from '../../tools/ort-node.js';
import { MODEL_PATHS } from '../fixtures/model-paths.js';
import { MODEL_BENCH } from '../fixtures/model-inputs.js';

const SR = 16000;
const THRESHOLD = 0.5;

/** 140 Hz + 280 Hz at 0.3 / 0.15, one 512-sample chunk: a voiced tone with no noise. */
function voicedTone(): Float32Array {
  return Float32Array.from({ length: 512 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 140 * i) / SR) + 0.15 * Math.sin((2 * Math.PI * 280 * i) / SR));
}

/** Speech probabilities over a chunk sequence, the LSTM state carried from chunk to chunk. */
async function speechProbs(path: string, chunks: Float32Array[]): Promise<number[]> {
  const session = await createSession(readFileSync(path));
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
  const probs: number[] = [];
  try {
    for (const x of chunks) {
      const out = await session.run({ input: new ort.Tensor('float32', x, [1, 512]), state, sr: new ort.Tensor('int64', BigInt64Array.of(BigInt(SR)), []) });
      probs.push((out.output as ort.Tensor).data[0] as number);
      state = out.stateN as ort.Tensor;
    }
  } finally {
    await session.release();
  }
  return probs;
}

function agreement(a: number[], b: number[]): { maxAbs: number; decisions: number } {
  let maxAbs = 0;
  let same = 0;
  a.forEach((p, i) => {
    maxAbs = Math.max(maxAbs, Math.abs(p - b[i]!));
    if (p >= THRESHOLD === b[i]! >= THRESHOLD) same++;
  });
  return { maxAbs, decisions: same / a.length };
}

describe('silero-vad int8 (the shipped recipe) keeps fp32 speech decisions', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'edgeserve-vad-')), 'vad.onnx');

  it('voiced tone, 5 chunks with state carried: |Δp| ≤ 0.05, every decision at 0.5 the same', async () => {
    await makeInt8Variant(MODEL_PATHS['silero-vad'], out, int8RecipeFor('silero-vad'));
    const chunks = Array.from({ length: 5 }, voicedTone);
    const [fp32, int8] = [await speechProbs(MODEL_PATHS['silero-vad'], chunks), await speechProbs(out, chunks)];
    const a = agreement(fp32, int8);
    console.info(`silero-vad tone: fp32 ${fp32.map((p) => p.toFixed(3)).join(' ')} | int8 ${int8.map((p) => p.toFixed(3)).join(' ')} | max |Δp| ${a.maxAbs.toFixed(3)}`);
    expect(a.maxAbs).toBeLessThanOrEqual(0.05);
    expect(a.decisions).toBe(1);
  }, 60_000);

  it('speech-like bursts between noise (48 chunks): |Δp| ≤ 0.1, ≥ 95 % of decisions the same', async () => {
    const chunks = MODEL_BENCH['silero-vad'].samples(48, 1).map((s) => s.feeds.input!.data as Float32Array);
    const [fp32, int8] = [await speechProbs(MODEL_PATHS['silero-vad'], chunks), await speechProbs(out, chunks)];
    const a = agreement(fp32, int8);
    console.info(`silero-vad bursts: max |Δp| ${a.maxAbs.toFixed(3)}, decisions agree ${(a.decisions * 100).toFixed(1)} %`);
    expect(a.maxAbs).toBeLessThanOrEqual(0.1);
    expect(a.decisions).toBeGreaterThanOrEqual(0.95);
  }, 60_000);
});
