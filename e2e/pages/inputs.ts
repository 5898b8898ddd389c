/**
 * Real inputs for the real models, made in the browser: text drawn on a canvas (the drawn text
 * is the label), and the same line turned 180° for the direction classifier.
 */
import { IMAGENET_MEAN, IMAGENET_STD, imageToNchw, imageToNhwc, tensor, type TensorMap } from '../../src/index.js';
import { drawTextLine } from '../../demo/text-line.js';

export const TEXT = 'Hello edgeserve 2026';

export function ocrClsInput(rotate180 = false): TensorMap {
  return { x: imageToNchw(drawTextLine(TEXT, 192, 48, rotate180)) };
}

export function ocrRecInput(text = TEXT, width = 480): TensorMap {
  return { x: imageToNchw(drawTextLine(text, width, 48)) };
}

export function ocrDetInput(): TensorMap {
  const canvas = new OffscreenCanvas(320, 320);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 320, 320);
  ctx.fillStyle = '#000';
  ctx.font = '28px "DejaVu Sans", sans-serif';
  ctx.fillText('edgeserve', 40, 100);
  ctx.fillText('on device', 40, 220);
  return { x: imageToNchw(ctx.getImageData(0, 0, 320, 320), IMAGENET_MEAN, IMAGENET_STD) };
}

/** 512 samples at 16 kHz of a voiced-like tone with harmonics, plus a fresh or given state. */
export function sileroInput(step: number, state: Float32Array = new Float32Array(2 * 128)): TensorMap {
  const samples = new Float32Array(512);
  for (let i = 0; i < 512; i++) {
    const t = (step * 512 + i) / 16000;
    samples[i] = 0.3 * Math.sin(2 * Math.PI * 140 * t) + 0.15 * Math.sin(2 * Math.PI * 280 * t) + 0.08 * Math.sin(2 * Math.PI * 420 * t);
  }
  return {
    input: tensor('float32', samples, [1, 512]),
    state: tensor('float32', state, [2, 1, 128]),
    sr: tensor('int64', new BigInt64Array([16000n]), []),
  };
}

export function nsfwInput(): TensorMap {
  const canvas = new OffscreenCanvas(224, 224);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#f8f4e8';
  ctx.fillRect(0, 0, 224, 224);
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 4;
  ctx.beginPath();
  ctx.arc(112, 100, 50, 0, Math.PI * 2);
  ctx.moveTo(80, 90);
  ctx.arc(92, 90, 6, 0, Math.PI * 2);
  ctx.moveTo(144, 90);
  ctx.arc(132, 90, 6, 0, Math.PI * 2);
  ctx.moveTo(85, 120);
  ctx.quadraticCurveTo(112, 145, 139, 120);
  ctx.stroke();
  return { input_1: imageToNhwc(ctx.getImageData(0, 0, 224, 224)) };
}

export const inputsFor: Record<string, () => TensorMap> = {
  'ocr-cls': () => ocrClsInput(),
  'ocr-det': ocrDetInput,
  'ocr-rec': () => ocrRecInput(),
  'silero-vad': () => sileroInput(0),
  'nsfw-mobilenet': nsfwInput,
};
