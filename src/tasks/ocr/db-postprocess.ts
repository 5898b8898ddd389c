/**
 * DB (Differentiable Binarization) post-processing for PP-OCR det: the probability map →
 * text boxes. PaddleOCR's DBPostProcess binarizes the map, takes each connected region, scores
 * it by its mean probability, and grows ("unclips") it, since DB is trained to predict a
 * shrunken text kernel. We keep axis-aligned boxes (no rotated rectangles / polygon clipping),
 * which reads horizontal text, what the playground's images and most screenshots hold.
 */

export interface TextBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Mean probability over the region's pixels, 0..1. */
  score: number;
}

export interface DbOptions {
  /** Pixels above this are text (PaddleOCR det_db_thresh). */
  threshold?: number;
  /** Regions whose mean probability is below this are dropped (det_db_box_thresh). */
  boxThreshold?: number;
  /** How much a region grows: by area × ratio / perimeter on each side (det_db_unclip_ratio). */
  unclipRatio?: number;
  /** Regions with a side shorter than this (map pixels, before unclip) are dropped. */
  minSize?: number;
  maxBoxes?: number;
}

const defaults: Required<DbOptions> = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxBoxes: 1000 };

/** Boxes in map coordinates, in reading order (top to bottom, then left to right on a line). */
export function dbBoxes(map: Float32Array, width: number, height: number, options: DbOptions = {}): TextBox[] {
  const o = { ...defaults, ...options };
  const label = new Int32Array(width * height);
  const boxes: TextBox[] = [];
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < map.length; start++) {
    if (label[start] !== 0 || !(map[start]! > o.threshold)) continue;
    // Flood fill (8-connected) with an explicit stack: a text line can cover 100k pixels.
    next++;
    label[start] = next;
    stack.push(start);
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let sum = 0;
    let count = 0;
    while (stack.length) {
      const p = stack.pop()!;
      const px = p % width;
      const py = (p - px) / width;
      minX = Math.min(minX, px);
      maxX = Math.max(maxX, px);
      minY = Math.min(minY, py);
      maxY = Math.max(maxY, py);
      sum += map[p]!;
      count++;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (label[q] === 0 && map[q]! > o.threshold) {
            label[q] = next;
            stack.push(q);
          }
        }
      }
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    const score = sum / count;
    if (Math.min(w, h) < o.minSize || score < o.boxThreshold) continue;
    boxes.push(unclip({ x: minX, y: minY, width: w, height: h, score }, o.unclipRatio, width, height));
  }
  return readingOrder(boxes).slice(0, o.maxBoxes);
}

/** Grows a box by area × ratio / perimeter on every side (Clipper's offset of a rectangle), clamped to the map. */
export function unclip(box: TextBox, ratio: number, mapWidth: number, mapHeight: number): TextBox {
  const distance = (box.width * box.height * ratio) / (2 * (box.width + box.height));
  const x = Math.max(0, box.x - distance);
  const y = Math.max(0, box.y - distance);
  const right = Math.min(mapWidth, box.x + box.width + distance);
  const bottom = Math.min(mapHeight, box.y + box.height + distance);
  return { x, y, width: right - x, height: bottom - y, score: box.score };
}

/** Top to bottom; boxes whose vertical centres are within half a line height count as one line, left to right. */
export function readingOrder(boxes: TextBox[]): TextBox[] {
  const sorted = [...boxes].sort((a, b) => a.y + a.height / 2 - (b.y + b.height / 2));
  const lines: TextBox[][] = [];
  for (const box of sorted) {
    const centre = box.y + box.height / 2;
    const line = lines.at(-1);
    const ref = line?.[0];
    if (line && ref && Math.abs(centre - (ref.y + ref.height / 2)) < Math.min(ref.height, box.height) / 2) line.push(box);
    else lines.push([box]);
  }
  return lines.flatMap((line) => line.sort((a, b) => a.x - b.x));
}

/** Map coordinates → image coordinates (the det input was the image resized to the map's size). */
export function scaleBox(box: TextBox, sx: number, sy: number): TextBox {
  return { x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy, score: box.score };
}
