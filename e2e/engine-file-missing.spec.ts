/**
 * An engine file the server does not have (an app that does not serve onnxruntime-web's
 * .mjs/.wasm) is named with its URL and status — not "this device cannot run the model".
 */
import { expect, openHarness, test } from './fixtures.js';

for (const file of ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']) {
  test(`a missing ${file.split('.').pop()} is named with its URL and HTTP 404`, async ({ page, context }) => {
    await context.route(`**/engines/ort/${file}`, (route) => route.fulfill({ status: 404, body: 'not here' }));
    await openHarness(page);
    const error = await page.evaluate(async () => {
      const { edgeserve } = window.harness;
      const runtime = edgeserve.createRuntime({ backend: 'wasm', storeName: 'engine-missing' });
      try {
        await runtime.load('ocr-cls');
        return undefined;
      } catch (e) {
        const err = e as InstanceType<typeof edgeserve.EdgeServeError>;
        return { code: err.code, message: err.message, details: err.details, title: edgeserve.explainError(err, true).title };
      } finally {
        runtime.dispose();
      }
    });
    expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', details: { kind: 'engine', status: 404 } });
    expect(error!.message).toContain(`/engines/ort/${file}`);
    expect(error!.title).toBe('An engine file is missing on the server');
  });
}
