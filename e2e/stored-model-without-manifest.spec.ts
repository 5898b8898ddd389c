/**
 * A model in the store runs without the manifest: the store keeps each version's spec (inputs,
 * outputs, labels), so a device that cannot reach the manifest (offline with no service worker
 * cache, server down) still loads, predicts and reads text with the version it last served —
 * checked against its stored SHA-256, which is the hash we have offline.
 */
import { expect, openHarness, test } from './fixtures.js';

test('stored models load, predict and run OCR when the manifest cannot be fetched', async ({ context }) => {
  const first = await context.newPage();
  await openHarness(first);
  const online = await first.evaluate(async () => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'no-manifest' });
    await runtime.cache.clear();
    const ocr = await edgeserve.loadOcr(runtime);
    const infos = [ocr.models.det.info(), ocr.models.cls!.info(), ocr.models.rec.info()];
    runtime.dispose();
    return infos;
  });
  expect(online.map((i) => i.stored)).toEqual([true, true, true]);
  await first.close();

  // From now on the manifest is unreachable, as it is offline when nothing cached it.
  await context.route('**/models/manifest.json', (route) => route.abort('internetdisconnected'));
  const second = await context.newPage();
  await openHarness(second);
  const offline = await second.evaluate(async () => {
    const { edgeserve, inputs } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'no-manifest' });
    const describe = (e: { code?: string; message: string }) => `${e.code}: ${e.message}`;
    const manifest = await runtime.manifest().then(() => 'fetched', describe);
    try {
      const cls = await runtime.load('ocr-cls');
      const out = await cls.predict(inputs.ocrClsInput());
      const canvas = new OffscreenCanvas(420, 80);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fdfbf3';
      ctx.fillRect(0, 0, 420, 80);
      ctx.fillStyle = '#1a1a1a';
      ctx.textBaseline = 'middle';
      ctx.font = '30px "DejaVu Sans", sans-serif';
      ctx.fillText('Paid on device', 40, 40);
      const ocr = await edgeserve.loadOcr(runtime);
      const read = await ocr.recognize(ctx.getImageData(0, 0, 420, 80));
      return { manifest, cls: cls.info(), top: (out['softmax_0.tmp_0']!.data as Float32Array)[0]!, text: read.lines.map((l) => l.text), error: '' };
    } catch (error) {
      return { manifest, error: describe(error as Error & { code?: string }) };
    } finally {
      runtime.dispose();
    }
  });
  // The manifest really was out of reach, and nothing needed it.
  expect(offline.manifest).toMatch(/^DOWNLOAD_FAILED/);
  expect(offline.error).toBe('');
  expect(offline.cls).toMatchObject({ id: 'ocr-cls', version: online[1]!.version, fromCache: true });
  expect(offline.top).toBeGreaterThan(0.9);
  expect(offline.text).toEqual(['Paid on device']);
});
