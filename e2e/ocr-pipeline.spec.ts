/** The OCR task (src/tasks/ocr.ts) end to end: det finds the lines, cls turns the upside-down one, rec reads them. */
import { expect, openHarness, test } from './fixtures.js';

test('loadOcr reads every line of a drawn image, the upside-down one included', async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const canvas = new OffscreenCanvas(520, 300);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fdfbf3';
    ctx.fillRect(0, 0, 520, 300);
    ctx.fillStyle = '#1a1a1a';
    ctx.textBaseline = 'middle';
    ctx.font = 'bold 36px "DejaVu Sans", sans-serif';
    ctx.fillText('Invoice 2026', 40, 50);
    ctx.font = '30px "DejaVu Sans", sans-serif';
    ctx.fillText('Paid on device', 40, 130);
    ctx.translate(330, 230);
    ctx.rotate(Math.PI);
    ctx.fillText('Thank you', -80, 0);
    const image = ctx.getImageData(0, 0, 520, 300);

    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    const ocr = await edgeserve.loadOcr(runtime);
    const out = await ocr.recognize(image);
    const infos = [ocr.models.det.info(), ocr.models.cls!.info(), ocr.models.rec.info()];
    await ocr.dispose();
    runtime.dispose();
    return { lines: out.lines, timings: out.timings, map: [out.probabilityMap.width, out.probabilityMap.height], infos };
  });
  expect(result.lines.map((l) => l.text)).toEqual(['Invoice 2026', 'Paid on device', 'Thank you']);
  expect(result.lines.map((l) => l.rotated)).toEqual([false, false, true]);
  for (const line of result.lines) expect(line.score).toBeGreaterThan(0.8);
  // Boxes are in image pixels and in reading order.
  const ys = result.lines.map((l) => l.box.y);
  expect(ys).toEqual([...ys].sort((a, b) => a - b));
  expect(result.lines[0]!.box.x).toBeLessThan(45);
  expect(result.map).toEqual([512, 288]);
  expect(result.infos.map((i) => [i.id, i.backend])).toEqual([
    ['ocr-det', 'wasm'],
    ['ocr-cls', 'wasm'],
    ['ocr-rec', 'wasm'],
  ]);
  expect(result.timings.total).toBeGreaterThan(0);
});
