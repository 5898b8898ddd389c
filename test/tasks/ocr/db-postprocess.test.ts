import { describe, expect, it } from 'vitest';
import { dbBoxes, readingOrder, scaleBox, unclip, type TextBox } from '../../../src/tasks/ocr/db-postprocess.js';

/** A probability map with rectangles of the given probability painted on a background of 0.01. */
function map(width: number, height: number, rects: [x: number, y: number, w: number, h: number, p: number][]): Float32Array {
  const data = new Float32Array(width * height).fill(0.01);
  for (const [x, y, w, h, p] of rects) for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) data[j * width + i] = p;
  return data;
}

describe('dbBoxes', () => {
  it('finds one box per text region, grown by the unclip distance', () => {
    const boxes = dbBoxes(map(64, 32, [[10, 10, 40, 8, 0.9]]), 64, 32);
    expect(boxes).toHaveLength(1);
    // distance = 40·8·1.5 / (2·48) = 5
    expect(boxes[0]).toMatchObject({ x: 5, y: 5, width: 50, height: 18 });
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
  });

  it('drops regions below the box threshold and regions thinner than minSize', () => {
    const data = map(64, 64, [
      [2, 2, 30, 6, 0.45], // above the pixel threshold, but its mean is below boxThreshold 0.6
      [2, 20, 30, 2, 0.95], // 2 px high: below minSize 3
      [2, 40, 30, 6, 0.8],
    ]);
    const boxes = dbBoxes(data, 64, 64);
    expect(boxes).toHaveLength(1);
    expect(boxes[0]!.y).toBeLessThan(40);
    expect(boxes[0]!.y + boxes[0]!.height).toBeGreaterThan(46);
  });

  it('keeps touching pixels (8-connected) in one region, separate regions apart', () => {
    const data = map(32, 16, [
      [2, 2, 4, 4, 0.9],
      [6, 6, 4, 4, 0.9],
      [20, 2, 6, 6, 0.9],
    ]);
    expect(dbBoxes(data, 32, 16, { unclipRatio: 0 })).toEqual([
      { x: 2, y: 2, width: 8, height: 8, score: expect.closeTo(0.9, 5) },
      { x: 20, y: 2, width: 6, height: 6, score: expect.closeTo(0.9, 5) },
    ]);
  });

  it('clamps grown boxes to the map and returns nothing for an empty map', () => {
    const [box] = dbBoxes(map(20, 10, [[0, 0, 20, 4, 0.99]]), 20, 10);
    expect(box).toMatchObject({ x: 0, y: 0, width: 20 });
    expect(dbBoxes(new Float32Array(100), 10, 10)).toEqual([]);
  });

  it('handles a region as large as the map without overflowing the stack', () => {
    const boxes = dbBoxes(new Float32Array(1000 * 1000).fill(0.9), 1000, 1000);
    expect(boxes).toHaveLength(1);
  });
});

describe('readingOrder', () => {
  const box = (x: number, y: number, w = 20, h = 10): TextBox => ({ x, y, width: w, height: h, score: 1 });
  it('reads lines top to bottom and words on one line left to right', () => {
    const sorted = readingOrder([box(100, 52), box(0, 0), box(50, 3), box(0, 50)]);
    expect(sorted.map((b) => [b.x, b.y])).toEqual([
      [0, 0],
      [50, 3],
      [0, 50],
      [100, 52],
    ]);
  });
});

describe('unclip and scaleBox', () => {
  it('grows by area·ratio/perimeter and scales both axes', () => {
    expect(unclip(box10(), 2, 100, 100)).toMatchObject({ x: 5, y: 5, width: 20, height: 20 });
    expect(scaleBox(box10(), 2, 0.5)).toEqual({ x: 20, y: 5, width: 20, height: 5, score: 1 });
  });
  function box10(): TextBox {
    return { x: 10, y: 10, width: 10, height: 10, score: 1 };
  }
});
