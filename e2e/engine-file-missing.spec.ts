/**
 * An engine file the server does not have (an app that does not serve onnxruntime-web's
 * .mjs/.wasm) is named with its URL and status — not "this device cannot run the model".
 */
import { expect, openHarness, test } from './fixtures.js';

// A WASM run loads onnxruntime-web's plain flavour (never the JSEP one): those are the files it needs.
for (const file of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) {
  test(`a missing ${file.split('.').pop()} is named with its URL and HTTP 404`, async ({ page, context }) => {
    await context.route(`**/engines/ort/${file}`, (route) => route.fulfill({ status: 404, body: 'not here' }));
    await openHarness(page);
    const error = await page.evaluate(() => window.harness.loadFailure({ backend: 'wasm', storeName: 'engine-missing' }));
    expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', details: { kind: 'engine', status: 404 } });
    expect(error!.message).toContain(`/engines/ort/${file}`);
    expect(error!.title).toBe('An engine file is missing on the server');
  });
}
