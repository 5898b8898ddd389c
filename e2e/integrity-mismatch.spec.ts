/** Altered bytes are refused before anything is stored; the real bytes then load and are kept. */
import { expect, openHarness, test } from './fixtures.js';
import { readFile } from 'node:fs/promises';

test('a model whose bytes do not match the manifest SHA-256 is refused and not stored', async ({ context, page }) => {
  const real = await readFile(new URL('../public/models/ocr-cls/1.0.0/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url));
  const altered = Buffer.from(real);
  altered.writeUInt8(altered.readUInt8(altered.length >> 1) ^ 0xff, altered.length >> 1); // same size, one byte flipped
  await context.route('**/models/ocr-cls/**/*.onnx', (route) => route.fulfill({ body: altered, contentType: 'application/octet-stream' }));

  await openHarness(page);
  const refused = await page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'integrity' });
    await runtime.cache.clear();
    try {
      await runtime.load('ocr-cls');
      return { loaded: true };
    } catch (error) {
      return {
        loaded: false,
        typed: error instanceof edgeserve.IntegrityMismatchError,
        code: (error as InstanceType<typeof edgeserve.EdgeServeError>).code,
        message: (error as Error).message,
        cached: await runtime.cache.list(),
      };
    } finally {
      runtime.dispose();
    }
  });
  expect(refused).toMatchObject({ loaded: false, typed: true, code: 'INTEGRITY_MISMATCH', cached: [] });
  expect(refused.message).toMatch(/SHA-256/);

  await context.unroute('**/models/ocr-cls/**/*.onnx');
  const recovered = await page.evaluate(async () => {
    const runtime = window.harness.edgeserve.createRuntime({ backend: 'wasm', storeName: 'integrity' });
    const model = await runtime.load('ocr-cls');
    const cached = await runtime.cache.list();
    runtime.dispose();
    return { fromCache: model.info().fromCache, cached: cached.map((c) => c.id) };
  });
  expect(recovered).toEqual({ fromCache: false, cached: ['ocr-cls'] });
});
