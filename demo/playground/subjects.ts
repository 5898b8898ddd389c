/**
 * What the playground can compare: the OCR pipeline and each model alone. A subject knows its
 * models, builds its input once from the page's image or text, and turns outputs into the
 * figures both variants are compared on (raw values, top-1 decisions, decoded text).
 */
import {
  ctcDecode,
  dbBoxes,
  detInput,
  imageToNchw,
  imageToNhwc,
  loadOcr,
  resizeRgba,
  tensor,
  type LoadProgress,
  type Manifest,
  type Model,
  type ModelInfo,
  type OcrResult,
  type Precision,
  type Runtime,
  type Tensor,
  type TensorMap,
  type TextBox,
} from '../../src/index.js';
import { drawTextLine, lineWidth } from './text-line.js';
import { argmaxRows } from './stats.js';

export interface PlaygroundInput {
  image: ImageData;
  text: string;
}

export interface RunOutput {
  vectors: Float32Array[];
  /** Top-1 decisions, position by position, for the agreement figure. */
  decisions: (number | string)[];
  /** Decoded text (OCR), line by line. */
  texts?: string[];
  summary: string;
  ocr?: OcrResult;
  /** Boxes in image pixels, for ocr-det alone. */
  boxes?: TextBox[];
}

export interface LoadedSubject {
  infos(): ModelInfo[];
  run(): Promise<RunOutput>;
  dispose(): Promise<void>;
}

export interface LoadArgs {
  runtime: Runtime;
  manifest: Manifest;
  precision: Precision;
  input: PlaygroundInput;
  onProgress: (p: LoadProgress) => void;
}

export interface Subject {
  id: string;
  label: string;
  input: 'image' | 'text' | 'audio' | 'none';
  modelIds: string[];
  /** What the agreement figures compare, in words. */
  agreementNote: string;
  load(args: LoadArgs): Promise<LoadedSubject>;
}

/** Precision a model runs at when the variant asks for `wanted`: itself if the manifest has it, else fp32. */
export function precisionFor(manifest: Manifest, id: string, wanted: Precision): Precision | undefined {
  const model = manifest.models.find((m) => m.id === id);
  const variants = model?.versions[0]?.variants.map((v) => v.precision) ?? [];
  if (variants.includes(wanted)) return wanted;
  return undefined;
}

const copy = (t: Tensor): Tensor => ({ ...t, dims: [...t.dims], data: t.data.slice() });
const out0 = (outputs: TensorMap) => Object.values(outputs)[0]!;
const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

/** One model, one prebuilt input (copied per run: predict transfers the buffers). */
function single(
  id: string,
  label: string,
  agreementNote: string,
  input: Subject['input'],
  build: (input: PlaygroundInput, manifest: Manifest) => TensorMap,
  read: (outputs: TensorMap, manifest: Manifest, input: PlaygroundInput) => Omit<RunOutput, 'vectors'>,
): Subject {
  return {
    id,
    label,
    input,
    agreementNote,
    modelIds: [id],
    async load({ runtime, manifest, precision, input: source, onProgress }) {
      const model: Model = await runtime.load(id, { precision, onProgress });
      const feeds = build(source, manifest);
      return {
        infos: () => [model.info()],
        async run() {
          const copies = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, copy(t)]));
          const outputs = await model.predict(copies);
          const floats = Object.values(outputs).flatMap((t) => (t.data instanceof Float32Array ? [t.data] : []));
          return { vectors: floats, ...read(outputs, manifest, source) };
        },
        dispose: () => model.dispose(),
      };
    },
  };
}

const labelsOf = (manifest: Manifest, id: string) => manifest.models.find((m) => m.id === id)?.labels ?? [];

const ocrPipeline: Subject = {
  id: 'ocr',
  label: 'OCR pipeline (det → cls → rec)',
  input: 'image',
  modelIds: ['ocr-det', 'ocr-cls', 'ocr-rec'],
  agreementNote: 'Top-1: det map pixels on the same side of the 0.3 text threshold. Text: lines read identically. Diff: det probability map.',
  async load({ runtime, manifest, precision, input, onProgress }) {
    // Stages without a variant of this precision run fp32 (the card says which).
    const stage = (id: string) => precisionFor(manifest, id, precision) ?? 'fp32';
    const ocr = await loadOcr(runtime, { precision: { det: stage('ocr-det'), cls: stage('ocr-cls'), rec: stage('ocr-rec') }, onProgress });
    const infos = () => [ocr.models.det.info(), ...(ocr.models.cls ? [ocr.models.cls.info()] : []), ocr.models.rec.info()];
    return {
      infos,
      async run() {
        const result = await ocr.recognize(input.image);
        const texts = result.lines.map((l) => l.text);
        return {
          vectors: [result.probabilityMap.data],
          decisions: [...result.probabilityMap.data].map((p) => (p > 0.3 ? 1 : 0)),
          texts,
          summary: texts.join(' · ') || '(no text found)',
          ocr: result,
        };
      },
      dispose: () => ocr.dispose(),
    };
  },
};

const ocrDet = single(
  'ocr-det',
  'ocr-det alone (text detector)',
  'Top-1: map pixels on the same side of the 0.3 text threshold. Diff: probability map.',
  'image',
  ({ image }) => ({ x: detInput(image, 640).tensor }),
  (outputs, _m, { image }) => {
    const map = out0(outputs);
    const [, , h, w] = map.dims as [number, number, number, number];
    const data = map.data as Float32Array;
    const boxes = dbBoxes(data, w, h).map((b) => ({
      ...b,
      x: (b.x * image.width) / w,
      y: (b.y * image.height) / h,
      width: (b.width * image.width) / w,
      height: (b.height * image.height) / h,
    }));
    return { decisions: [...data].map((p) => (p > 0.3 ? 1 : 0)), summary: `${boxes.length} text regions`, boxes };
  },
);

const ocrRec = single(
  'ocr-rec',
  'ocr-rec alone (reads one line)',
  'Top-1: best character at each CTC step. Text: the decoded line. Diff: all softmax outputs.',
  'text',
  ({ text }) => ({ x: imageToNchw(drawTextLine(text, Math.max(64, lineWidth(text)), 48)) }),
  (outputs, manifest) => {
    const out = out0(outputs);
    const text = ctcDecode(out.data as Float32Array, out.dims, labelsOf(manifest, 'ocr-rec')).trim();
    return { decisions: argmaxRows(out.data as Float32Array, out.dims[2]!), texts: [text], summary: text || '(nothing)' };
  },
);

const ocrCls = single(
  'ocr-cls',
  'ocr-cls alone (0° or 180°)',
  'Top-1: the predicted direction. Diff: the two probabilities.',
  'text',
  ({ text }) => ({ x: imageToNchw(drawTextLine(text, 192, 48)) }),
  (outputs) => {
    const p = out0(outputs).data as Float32Array;
    return { decisions: argmaxRows(p, 2), summary: p[0]! >= p[1]! ? `upright (${pct(p[0]!)})` : `turned 180° (${pct(p[1]!)})` };
  },
);

const nsfw = single(
  'nsfw-mobilenet',
  'nsfw-mobilenet (TensorFlow.js classifier)',
  'Top-1: the predicted class. Diff: the five class probabilities.',
  'image',
  ({ image }) => ({ input_1: imageToNhwc(resizeRgba(image, 224, 224)) }),
  (outputs, manifest) => {
    const p = out0(outputs).data as Float32Array;
    const labels = labelsOf(manifest, 'nsfw-mobilenet');
    const best = argmaxRows(p, p.length)[0]!;
    return { decisions: [best], summary: `${labels[best] ?? best} (${pct(p[best]!)})` };
  },
);

/** 512 samples at 16 kHz of a voiced-like tone: no microphone needed. */
function tone(): Float32Array {
  const s = new Float32Array(512);
  for (let i = 0; i < 512; i++) s[i] = 0.3 * Math.sin((2 * Math.PI * 140 * i) / 16000) + 0.15 * Math.sin((2 * Math.PI * 280 * i) / 16000);
  return s;
}

const silero = single(
  'silero-vad',
  'silero-vad (voice activity, one 32 ms chunk)',
  'Top-1: speech or not (p > 0.5). Diff: the speech probability and the new LSTM state.',
  'audio',
  () => ({ input: tensor('float32', tone(), [1, 512]), state: tensor('float32', new Float32Array(256), [2, 1, 128]), sr: tensor('int64', new BigInt64Array([16000n]), []) }),
  (outputs) => {
    const p = (outputs.output!.data as Float32Array)[0]!;
    return { decisions: [p > 0.5 ? 1 : 0], summary: `speech probability ${pct(p)}` };
  },
);

export const SUBJECTS: Subject[] = [ocrPipeline, ocrDet, ocrRec, ocrCls, nsfw, silero];
