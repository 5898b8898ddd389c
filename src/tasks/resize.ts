/**
 * Pixel work on plain RGBA buffers, with no canvas: the same code runs on the page, in a worker
 * and in Node (unit tests), and gives the same bytes everywhere (canvas scaling differs by GPU).
 */
import type { PixelSource } from './image.js';

export interface RgbaImage extends PixelSource {
  data: Uint8ClampedArray;
}

/** Bilinear resize (pixel centres aligned, as OpenCV's INTER_LINEAR that PaddleOCR trains with). */
export function resizeRgba(image: PixelSource, width: number, height: number): RgbaImage {
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      const a = (y0 * image.width + x0) * 4;
      const b = (y0 * image.width + x1) * 4;
      const c = (y1 * image.width + x0) * 4;
      const d = (y1 * image.width + x1) * 4;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const top = image.data[a + ch]! * (1 - wx) + image.data[b + ch]! * wx;
        const bottom = image.data[c + ch]! * (1 - wx) + image.data[d + ch]! * wx;
        out[o + ch] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { width, height, data: out };
}

/** The pixels inside an axis-aligned rectangle (clamped to the image; whole pixels). */
export function cropRgba(image: PixelSource, x: number, y: number, width: number, height: number): RgbaImage {
  const left = Math.max(0, Math.floor(x));
  const top = Math.max(0, Math.floor(y));
  const right = Math.min(image.width, Math.ceil(x + width));
  const bottom = Math.min(image.height, Math.ceil(y + height));
  const w = Math.max(0, right - left);
  const h = Math.max(0, bottom - top);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((top + row) * image.width + left) * 4;
    out.set(image.data.subarray(from, from + w * 4), row * w * 4);
  }
  return { width: w, height: h, data: out };
}

/** The image turned 180° (what ocr-cls asks for when a line is upside down). */
export function rotate180(image: PixelSource): RgbaImage {
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  const pixels = image.width * image.height;
  for (let i = 0; i < pixels; i++) out.set(image.data.subarray(i * 4, i * 4 + 4), (pixels - 1 - i) * 4);
  return { width: image.width, height: image.height, data: out };
}
