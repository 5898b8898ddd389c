/**
 * Image → the tensors PP-OCR's three models take: det (ImageNet-normalized, sides multiples of
 * 32), and text-line crops for cls (48×192) and rec (height 48, width following the aspect).
 */
import type { Tensor } from '../../protocol.js';
import type { TextBox } from './db-postprocess.js';
import { IMAGENET_MEAN, IMAGENET_STD, imageToNchw, type PixelSource } from '../image.js';
import { cropRgba, resizeRgba, type RgbaImage } from '../resize.js';

/** Det input size: the longer side at most `maxSide`, both sides multiples of 32 (DB's strides), at least 32. */
export function detSize(width: number, height: number, maxSide = 960): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const round32 = (n: number) => Math.max(32, Math.round((n * scale) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

export function detInput(image: PixelSource, maxSide = 960): { tensor: Tensor; width: number; height: number } {
  const size = detSize(image.width, image.height, maxSide);
  const resized = resizeRgba(image, size.width, size.height);
  return { tensor: imageToNchw(resized, IMAGENET_MEAN, IMAGENET_STD), ...size };
}

/**
 * A text box cut out of the image and scaled to `height` px high, the width following the
 * aspect ratio (rounded to a multiple of 8: rec emits one CTC step per 8 px) within [minWidth, maxWidth].
 */
export function cropLine(image: PixelSource, box: TextBox, height = 48, minWidth = 16, maxWidth = 1280): RgbaImage {
  const crop = cropRgba(image, box.x, box.y, box.width, box.height);
  if (crop.width === 0 || crop.height === 0) return resizeRgba({ width: 1, height: 1, data: new Uint8ClampedArray([255, 255, 255, 255]) }, minWidth, height);
  const width = Math.min(maxWidth, Math.max(minWidth, Math.ceil((crop.width * height) / crop.height / 8) * 8));
  return resizeRgba(crop, width, height);
}

/** ocr-cls takes exactly 48×192: the line is scaled to height 48 and padded (white) or squeezed to 192. */
export function clsInput(line: PixelSource, width = 192, height = 48): RgbaImage {
  const fitted = line.width <= width ? line : resizeRgba(line, width, height);
  const out = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < height; y++) out.set(fitted.data.subarray(y * fitted.width * 4, (y + 1) * fitted.width * 4), y * width * 4);
  return { width, height, data: out };
}
