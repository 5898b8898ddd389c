/**
 * Speech-like 16 kHz chunks for silero-vad's quality gate: voiced tones (a fundamental and its
 * second harmonic, as a vowel has) and quiet noise. Uniform random "audio" was not enough: on it
 * an int8 variant whose speech probability on a voiced tone read 0.77 instead of 0.23 passed.
 */
import { ort } from '../ort-node.js';
import type { Feeds } from '../ort-node.js';

const SR = 16000;
const CHUNK = 512;

function chunkFeeds(x: Float32Array): Feeds {
  return {
    input: new ort.Tensor('float32', x, [1, CHUNK]),
    state: new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]),
    sr: new ort.Tensor('int64', BigInt64Array.of(BigInt(SR)), []),
  };
}

export function vadGateSamples(): Feeds[] {
  const tones = [100, 140, 200, 260].map((f0) =>
    Float32Array.from({ length: CHUNK }, (_, i) => 0.3 * Math.sin((2 * Math.PI * f0 * i) / SR) + 0.15 * Math.sin((4 * Math.PI * f0 * i) / SR)),
  );
  // A fixed linear-congruential sequence: the same noise on every run, so the verdict is reproducible.
  let s = 12345;
  const noise = [0.01, 0.05].map((a) =>
    Float32Array.from({ length: CHUNK }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return a * ((s / 2 ** 32) * 2 - 1);
    }),
  );
  return [...tones, ...noise].map(chunkFeeds);
}
