/**
 * OCR as a reusable task: PP-OCR det finds text boxes, cls (optional) turns upside-down lines
 * upright, rec reads each line, CTC decoding gives the text. The models run in the runtime's
 * worker; the pixel work between them (resize, DB boxes, crops) runs here, on the caller's thread.
 *
 *   const ocr = await loadOcr(runtime, { precision: 'int8' });
 *   const { lines } = await ocr.recognize(imageData);   // [{ text, box, score }, …]
 */
import type { LoadOptions, Runtime } from '../../client/runtime.js';
import type { Model } from '../../client/model.js';
import type { Precision } from '../../manifest/schema.js';
import type { BackendChoice, LoadProgress, Tensor, TensorMap } from '../../protocol.js';
import { ctcDecodeWithScore } from './ctc.js';
import { dbBoxes, scaleBox, type DbOptions, type TextBox } from './db-postprocess.js';
import { imageToNchw, type PixelSource } from '../image.js';
import { clsInput, cropLine, detInput } from './ocr-preprocess.js';
import { rotate180 } from '../resize.js';

export type OcrStage = 'det' | 'cls' | 'rec';
export const OCR_MODEL_IDS: Record<OcrStage, string> = { det: 'ocr-det', cls: 'ocr-cls', rec: 'ocr-rec' };

export interface OcrOptions {
  /** One precision for all stages, or one per stage (e.g. int8 rec with fp32 det). Default fp32. */
  precision?: Precision | Partial<Record<OcrStage, Precision>>;
  backend?: BackendChoice;
  /** Run ocr-cls to turn upside-down lines before reading them. Default true. */
  useCls?: boolean;
  /** Longest side of the det input; larger images are scaled down. Default 960. */
  detMaxSide?: number;
  db?: DbOptions;
  onProgress?: (progress: LoadProgress) => void;
  /** Model ids, when a deployment names them differently. */
  modelIds?: Partial<Record<OcrStage, string>>;
}

export interface OcrLine {
  text: string;
  /** Mean probability of the read characters, 0..1. */
  score: number;
  /** In image pixels. */
  box: TextBox;
  /** ocr-cls found the line upside down and it was turned before reading. */
  rotated: boolean;
}

export interface OcrResult {
  lines: OcrLine[];
  /** Milliseconds per stage, measured on the caller's thread (includes the worker round trip). */
  timings: { det: number; cls: number; rec: number; total: number };
  /** det's probability map (map pixels), for comparing variants or drawing a heat map. */
  probabilityMap: { data: Float32Array; width: number; height: number };
}

export interface Ocr {
  readonly models: { det: Model; cls?: Model; rec: Model };
  recognize(image: PixelSource, options?: { signal?: AbortSignal }): Promise<OcrResult>;
  dispose(): Promise<void>;
}

const firstOutput = (outputs: TensorMap): Tensor => {
  const tensor = Object.values(outputs)[0];
  if (!tensor) throw new Error('the model returned no output');
  return tensor;
};

function precisionOf(option: OcrOptions['precision'], stage: OcrStage): Precision | undefined {
  return typeof option === 'string' ? option : option?.[stage];
}

export async function loadOcr(runtime: Runtime, options: OcrOptions = {}): Promise<Ocr> {
  const ids = { ...OCR_MODEL_IDS, ...options.modelIds };
  const load = (stage: OcrStage) => {
    const precision = precisionOf(options.precision, stage);
    const loadOptions: LoadOptions = {
      ...(precision ? { precision } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    };
    return runtime.load(ids[stage], loadOptions);
  };
  // One after another: the progress callback then reports one download at a time.
  const det = await load('det');
  const cls = options.useCls === false ? undefined : await load('cls');
  const rec = await load('rec');
  // From the served version itself (kept in the store), not the manifest: works offline.
  const labels = (await rec.spec()).labels ?? [];
  const maxSide = options.detMaxSide ?? 960;

  async function recognize(image: PixelSource, { signal }: { signal?: AbortSignal } = {}): Promise<OcrResult> {
    const started = performance.now();
    const predictOptions = signal ? { signal } : {};
    const input = detInput(image, maxSide);
    const map = firstOutput(await det.predict({ x: input.tensor }, predictOptions));
    const mapData = map.data as Float32Array;
    const detDone = performance.now();
    const boxes = dbBoxes(mapData, input.width, input.height, options.db).map((b) => scaleBox(b, image.width / input.width, image.height / input.height));

    let clsMs = 0;
    let recMs = 0;
    const lines: OcrLine[] = [];
    for (const box of boxes) {
      let crop = cropLine(image, box);
      let rotated = false;
      if (cls) {
        const t = performance.now();
        const probs = firstOutput(await cls.predict({ x: imageToNchw(clsInput(crop)) }, predictOptions)).data as Float32Array;
        // PaddleOCR's cls_thresh: turn only when the classifier is sure.
        rotated = probs[1]! > probs[0]! && probs[1]! > 0.9;
        if (rotated) crop = rotate180(crop);
        clsMs += performance.now() - t;
      }
      const t = performance.now();
      const out = firstOutput(await rec.predict({ x: imageToNchw(crop) }, predictOptions));
      const { text, score } = ctcDecodeWithScore(out.data as Float32Array, out.dims, labels);
      recMs += performance.now() - t;
      if (text.trim()) lines.push({ text: text.trim(), score, box, rotated });
    }
    return {
      lines,
      timings: { det: detDone - started, cls: clsMs, rec: recMs, total: performance.now() - started },
      probabilityMap: { data: mapData, width: input.width, height: input.height },
    };
  }

  return {
    models: { det, rec, ...(cls ? { cls } : {}) },
    recognize,
    async dispose() {
      await Promise.all([det.dispose(), rec.dispose(), cls?.dispose()]);
    },
  };
}
