/**
 * Real inputs for the OCR models, made on the spot: text lines rendered with @napi-rs/canvas
 * (skia; OS fonts) give labelled data for free — the string drawn is the ground truth. Used by
 * the quantizer's tests and benchmark, never by the runtime (canvas is a devDependency).
 */
import { readFileSync } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';
import type { SKRSContext2D } from '@napi-rs/canvas';
import { REC_KEYS_PATH } from './model-paths.js';

export const REC_HEIGHT = 48;
const FONTS = ['DejaVu Sans', 'Liberation Serif', 'Liberation Sans', 'DejaVu Sans Mono'];
const WORDS = ('invoice total amount paid date order number customer address phone email street city ' +
  'model serving device browser cache worker quantize edge runtime latency version rollback canary ' +
  'hello world open source river mountain coffee window garden yellow market station').split(' ');

/** Deterministic PRNG (mulberry32): the same seed gives the same lines on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TextLine { text: string; font: string }

export function makeLines(n: number, seed = 1): TextLine[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, () => {
    const words = Array.from({ length: 2 + Math.floor(r() * 3) }, () => (r() < 0.2 ? String(Math.floor(r() * 10000)) : pick(WORDS)));
    return { text: words.join(' '), font: pick(FONTS) };
  });
}

/** CHW float32, (px/255 - 0.5) / 0.5, as PaddleOCR's rec and cls preprocessing expect. */
function toChw(ctx: SKRSContext2D, w: number, h: number, rotate180 = false): Float32Array {
  const px = ctx.getImageData(0, 0, w, h).data;
  const out = new Float32Array(3 * h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = rotate180 ? ((h - 1 - y) * w + (w - 1 - x)) * 4 : (y * w + x) * 4;
      for (let c = 0; c < 3; c++) out[c * h * w + y * w + x] = (px[src + c]! / 255 - 0.5) / 0.5;
    }
  }
  return out;
}

/**
 * A line rendered at height 48, as tight as a detector's box (4 px each side): wide white margins
 * make the recognizer emit leading/trailing spaces, and those flip between fp32 and int8.
 */
export function renderLine(line: TextLine, maxWidth = 640): { data: Float32Array; width: number } {
  const probe = createCanvas(8, 8).getContext('2d');
  probe.font = `30px "${line.font}"`;
  const width = Math.min(maxWidth, Math.ceil(probe.measureText(line.text).width + 8));
  const canvas = createCanvas(width, REC_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, REC_HEIGHT);
  ctx.fillStyle = '#111';
  ctx.font = `30px "${line.font}"`;
  ctx.textBaseline = 'middle';
  ctx.fillText(line.text, 4, REC_HEIGHT / 2);
  return { data: toChw(ctx, width, REC_HEIGHT), width };
}

/** ocr-cls input: the line squeezed into 48×192, upright or turned 180°. */
export function renderClsCrop(line: TextLine, rotate180: boolean): Float32Array {
  const w = 192;
  const canvas = createCanvas(w, REC_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, REC_HEIGHT);
  ctx.fillStyle = '#111';
  ctx.font = `24px "${line.font}"`;
  ctx.textBaseline = 'middle';
  ctx.fillText(line.text, 4, REC_HEIGHT / 2, w - 8);
  return toChw(ctx, w, REC_HEIGHT, rotate180);
}

/** ocr-det input: a page of lines, ImageNet-normalized CHW. */
export function renderPage(lines: TextLine[], size = 320): Float32Array {
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = '#111';
  lines.forEach((l, i) => {
    ctx.font = `20px "${l.font}"`;
    ctx.fillText(l.text, 10, 30 + i * 36, size - 20);
  });
  const px = ctx.getImageData(0, 0, size, size).data;
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const out = new Float32Array(3 * size * size);
  for (let i = 0; i < size * size; i++) {
    for (let c = 0; c < 3; c++) out[c * size * size + i] = (px[i * 4 + c]! / 255 - mean[c]!) / std[c]!;
  }
  return out;
}

let keys: string[] | null = null;

/** ppocr_keys_v1.txt; index 0 of the model's output is the CTC blank, the last is ' '. */
export function recKeys(): string[] {
  if (!keys) {
    keys = ['', ...readFileSync(REC_KEYS_PATH, 'utf8').split('\n').filter((k) => k.length > 0), ' '];
  }
  return keys;
}

/** Greedy CTC: argmax per step, collapse repeats, drop blanks. */
export function ctcDecode(probs: Float32Array, steps: number, classes: number): string {
  const k = recKeys();
  let out = '';
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    for (let c = 0; c < classes; c++) {
      const p = probs[t * classes + c]!;
      if (p > bestP) { bestP = p; best = c; }
    }
    if (best !== prev && best !== 0) out += k[best] ?? '';
    prev = best;
  }
  return out;
}
