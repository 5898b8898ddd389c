/**
 * Test images for the OCR pipelines: text drawn on a canvas, so the drawn lines are the ground
 * truth. Each is handed to both pipelines as the same PNG blob URL (the peer app opens URLs).
 */
export interface OcrImage {
  name: string;
  lines: string[];
  url: string;
  width: number;
  height: number;
}

interface Layout {
  name: string;
  width: number;
  height: number;
  lines: { text: string; size: number; x: number; y: number }[];
}

const layouts: Layout[] = [
  {
    name: 'two-lines',
    width: 640,
    height: 160,
    lines: [
      { text: 'Hello edgeserve 2026', size: 34, x: 24, y: 50 },
      { text: 'models served on device', size: 30, x: 24, y: 115 },
    ],
  },
  {
    name: 'receipt',
    width: 480,
    height: 256,
    lines: [
      { text: 'Invoice 4711', size: 30, x: 20, y: 45 },
      { text: 'Total 129.90 EUR', size: 26, x: 20, y: 125 },
      { text: 'Paid by card', size: 22, x: 20, y: 205 },
    ],
  },
  {
    name: 'one-line',
    width: 512,
    height: 96,
    lines: [{ text: 'The quick brown fox jumps', size: 32, x: 16, y: 48 }],
  },
];

async function draw(layout: Layout): Promise<OcrImage> {
  const canvas = new OffscreenCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = '#111';
  ctx.textBaseline = 'middle';
  for (const line of layout.lines) {
    ctx.font = `${line.size}px "DejaVu Sans", "Liberation Sans", Arial, sans-serif`;
    ctx.fillText(line.text, line.x, line.y);
  }
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return { name: layout.name, lines: layout.lines.map((l) => l.text), url: URL.createObjectURL(blob), width: layout.width, height: layout.height };
}

export const ocrImages = (): Promise<OcrImage[]> => Promise.all(layouts.map(draw));

/** Decodes the URL to RGBA pixels, as an app holding an image URL must before edgeserve's OCR. */
export async function pixelsOf(url: string): Promise<ImageData> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}
