/**
 * A manifest the server does not have is named as the manifest, with its URL and status —
 * not "the model file is missing".
 */
import { expect, openHarness, test } from './fixtures.js';

test('a 404 manifest is named as the missing model list, with its URL', async ({ page }) => {
  await openHarness(page);
  const error = await page.evaluate(async () => {
    const { edgeserve } = window.harness;
    const runtime = edgeserve.createRuntime({ backend: 'wasm', manifestUrl: '/models/no-such-manifest.json' });
    try {
      await runtime.load('ocr-cls');
      return undefined;
    } catch (e) {
      const err = e as InstanceType<typeof edgeserve.EdgeServeError>;
      return { ...edgeserve.explainError(err, true), code: err.code, message: err.message, details: err.details };
    } finally {
      runtime.dispose();
    }
  });
  expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', details: { kind: 'manifest', status: 404 }, title: 'The model list is missing on the server' });
  expect(error!.message).toContain('/models/no-such-manifest.json');
  expect(error!.hint).toContain('/models/no-such-manifest.json');
});
