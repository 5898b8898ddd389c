/**
 * Calibration inputs for the OCR models' static int8 variants, rendered on the spot with the
 * same text renderer the accuracy tests use (test/fixtures/ocr-data.ts, @napi-rs/canvas, a
 * devDependency — hence imported only when `npm run models` asks, never by the CLI). The seed
 * differs from the tests' so that the ranges are not fitted to the pages they are judged on.
 * Sizes are what the runtime feeds: lines at height 48 (ocr-rec, its width varies), 48×192 crops
 * both ways up (ocr-cls), 320×320 pages (ocr-det).
 */
import { ort } from '../ort-node.js';
import type { Feeds } from '../ort-node.js';

export type OcrModelId = 'ocr-cls' | 'ocr-det' | 'ocr-rec';

const SEED = 4242;

export async function ocrCalibration(id: OcrModelId, n: number): Promise<Feeds[]> {
  const { makeLines, renderClsCrop, renderLine, renderPage } = await import('../../test/fixtures/ocr-data.js');
  const f32 = (data: Float32Array, dims: number[]): Feeds => ({ x: new ort.Tensor('float32', data, dims) });
  switch (id) {
    case 'ocr-rec':
      return makeLines(n, SEED).map((line) => {
        const { data, width } = renderLine(line);
        return f32(data, [1, 3, 48, width]);
      });
    case 'ocr-cls':
      return makeLines(n, SEED).map((line, i) => f32(renderClsCrop(line, i % 2 === 1), [1, 3, 48, 192]));
    case 'ocr-det':
      return Array.from({ length: n }, (_, i) => f32(renderPage(makeLines(7, SEED + i)), [1, 3, 320, 320]));
  }
}
