/**
 * Sample inputs per model, and how fp32 and int8 outputs are compared: decoded text for
 * ocr-rec, top-1 class for ocr-cls, cosine similarity for the rest. A table keyed by model id.
 */
import { ort } from '../ort-node.js';
import type { Feeds } from '../ort-node.js';
import { ctcDecode, makeLines, renderClsCrop, renderLine, renderPage, rng } from './ocr-data.js';
import type { BenchModelId } from './model-paths.js';

export interface Sample {
  feeds: Feeds;
  /** Ground truth where there is one (ocr-rec: the text drawn). */
  label?: string;
}

/** Turns one output into what is compared: a string (must match) or numbers (cosine). */
export type Readout = (out: ort.InferenceSession.OnnxValueMapType) => string | Float32Array;

export interface ModelBench {
  samples: (n: number, seed: number) => Sample[];
  readout: Readout;
  /** Numeric readouts that are thresholded downstream (DB text masks at 0.3): report mask IoU too. */
  threshold?: number;
  /** Stateful models (silero) feed an output back as the next input. */
  carry?: { from: string; to: string };
}

const f32 = (data: Float32Array, dims: number[]): ort.Tensor => new ort.Tensor('float32', data, dims);

function first(out: ort.InferenceSession.OnnxValueMapType): ort.Tensor {
  return Object.values(out)[0] as ort.Tensor;
}

/** 16 kHz audio: speech-like bursts (harmonics with vibrato) between quiet noise. */
function audioChunks(n: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const chunks: Float32Array[] = [];
  for (let c = 0; c < n; c++) {
    const voiced = Math.floor(c / 8) % 2 === 1;
    const x = new Float32Array(512);
    for (let i = 0; i < 512; i++) {
      const t = (c * 512 + i) / 16000;
      const f0 = 140 + 30 * Math.sin(2 * Math.PI * 3 * t);
      const tone = voiced ? 0.3 * Math.sin(2 * Math.PI * f0 * t) + 0.15 * Math.sin(4 * Math.PI * f0 * t) + 0.08 * Math.sin(6 * Math.PI * f0 * t) : 0;
      x[i] = tone + 0.01 * (r() * 2 - 1);
    }
    chunks.push(x);
  }
  return chunks;
}

export const MODEL_BENCH: Record<BenchModelId, ModelBench> = {
  'ocr-rec': {
    samples: (n, seed) => makeLines(n, seed).map((line) => {
      const { data, width } = renderLine(line);
      return { feeds: { x: f32(data, [1, 3, 48, width]) }, label: line.text };
    }),
    readout: (out) => {
      const t = first(out);
      return ctcDecode(t.data as Float32Array, t.dims[1]!, t.dims[2]!);
    },
  },
  'ocr-cls': {
    samples: (n, seed) => makeLines(n, seed).map((line, i) => ({ feeds: { x: f32(renderClsCrop(line, i % 2 === 1), [1, 3, 48, 192]) } })),
    readout: (out) => {
      const p = first(out).data as Float32Array;
      return p[0]! >= p[1]! ? '0' : '180';
    },
  },
  'ocr-det': {
    samples: (n, seed) => Array.from({ length: n }, (_, i) => ({ feeds: { x: f32(renderPage(makeLines(7, seed * 100 + i)), [1, 3, 320, 320]) } })),
    readout: (out) => first(out).data as Float32Array,
    threshold: 0.3,
  },
  'silero-vad': {
    samples: (n, seed) => audioChunks(n, seed).map((x) => ({
      feeds: {
        input: f32(x, [1, 512]),
        state: f32(new Float32Array(256), [2, 1, 128]),
        sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []),
      },
    })),
    readout: (out) => (out.output as ort.Tensor).data as Float32Array,
    carry: { from: 'stateN', to: 'state' },
  },
};
