/** Image → tensor preprocessing shared by the vision models. */
import type { Tensor } from '../protocol.js';

export type Rgb = readonly [number, number, number];

export const HALF: Rgb = [0.5, 0.5, 0.5];
export const IMAGENET_MEAN: Rgb = [0.485, 0.456, 0.406];
export const IMAGENET_STD: Rgb = [0.229, 0.224, 0.225];

export interface PixelSource {
  width: number;
  height: number;
  /** RGBA bytes, row-major, as in ImageData. */
  data: Uint8ClampedArray | Uint8Array;
}

/** RGBA HWC bytes → float32 [1, 3, H, W] with (px/255 - mean)/std per channel (PaddleOCR layout). */
export function imageToNchw(image: PixelSource, mean: Rgb = HALF, std: Rgb = HALF): Tensor {
  const { width, height, data } = image;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * 4 + c]! / 255 - mean[c]!) / std[c]!;
  }
  return { dtype: 'float32', dims: [1, 3, height, width], data: out };
}

/** RGBA HWC bytes → float32 [1, H, W, 3] scaled to 0..1 (TensorFlow.js layout). */
export function imageToNhwc(image: PixelSource): Tensor {
  const { width, height, data } = image;
  const out = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * 4 + c]! / 255;
  return { dtype: 'float32', dims: [1, height, width, 3], data: out };
}
