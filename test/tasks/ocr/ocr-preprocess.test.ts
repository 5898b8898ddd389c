import { describe, expect, it } from 'vitest';
import { clsInput, cropLine, detInput, detSize } from '../../../src/tasks/ocr/ocr-preprocess.js';
import { cropRgba, resizeRgba, rotate180 } from '../../../src/tasks/resize.js';

/** An RGBA image whose red channel is the x coordinate and green the y coordinate. */
function gradient(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 0, 255], (y * width + x) * 4);
  return { width, height, data };
}
const px = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];

describe('cropRgba', () => {
  it('copies the pixels of the rectangle, clamped to the image', () => {
    const crop = cropRgba(gradient(50, 40), 10.4, 5, 20, 8);
    expect([crop.width, crop.height]).toEqual([21, 8]); // floor(10.4)..ceil(30.4)
    expect(px(crop, 0, 0)).toEqual([10, 5, 0, 255]);
    expect(px(crop, 20, 7)).toEqual([30, 12, 0, 255]);
    const edge = cropRgba(gradient(50, 40), -5, 35, 100, 100);
    expect([edge.width, edge.height]).toEqual([50, 5]);
  });
});

describe('resizeRgba', () => {
  it('keeps a linear gradient linear (bilinear, centres aligned)', () => {
    const half = resizeRgba(gradient(100, 10), 50, 10);
    // Output pixel x samples input x·2+0.5, between two source pixels (rounded to a byte).
    expect(Math.abs(px(half, 0, 0)[0]! - 0.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(px(half, 25, 0)[0]! - 50.5)).toBeLessThanOrEqual(0.5);
    const same = resizeRgba(gradient(8, 8), 8, 8);
    expect(same.data).toEqual(gradient(8, 8).data);
  });
});

describe('rotate180', () => {
  it('maps each pixel to the opposite corner', () => {
    const turned = rotate180(gradient(4, 3));
    expect(px(turned, 0, 0)).toEqual([3, 2, 0, 255]);
    expect(px(turned, 3, 2)).toEqual([0, 0, 0, 255]);
  });
});

describe('OCR preprocessing', () => {
  it('sizes the det input to multiples of 32 within maxSide', () => {
    expect(detSize(1920, 1080, 960)).toEqual({ width: 960, height: 544 });
    expect(detSize(300, 90)).toEqual({ width: 288, height: 96 });
    expect(detSize(10, 10)).toEqual({ width: 32, height: 32 });
    const { tensor, width, height } = detInput(gradient(100, 70), 64);
    expect([width, height]).toEqual([64, 32]);
    expect(tensor.dims).toEqual([1, 3, 32, 64]);
  });

  it('crops a line to height 48 with the width a multiple of 8 following the aspect ratio', () => {
    const line = cropLine(gradient(200, 100), { x: 10, y: 20, width: 120, height: 24, score: 1 });
    expect(line.height).toBe(48);
    expect(line.width).toBe(240);
    expect(line.width % 8).toBe(0);
    // The first pixel comes from the box's top-left corner.
    expect(px(line, 0, 0).slice(0, 2)).toEqual([10, 20]);
  });

  it('gives ocr-cls a 48×192 image: narrow lines padded white, wide ones squeezed', () => {
    const narrow = clsInput(resizeRgba(gradient(10, 10), 96, 48));
    expect([narrow.width, narrow.height]).toEqual([192, 48]);
    expect(px(narrow, 191, 47)).toEqual([255, 255, 255, 255]);
    const wide = clsInput(resizeRgba(gradient(100, 10), 480, 48));
    expect([wide.width, wide.height]).toEqual([192, 48]);
  });
});
