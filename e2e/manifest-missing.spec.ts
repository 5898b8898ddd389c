/**
 * A manifest the server does not have is named as the manifest, with its URL and status —
 * not "the model file is missing".
 */
import { expect, openHarness, test } from './fixtures.js';

test('a 404 manifest is named as the missing model list, with its URL', async ({ page }) => {
  await openHarness(page);
  const error = await page.evaluate(() => window.harness.loadFailure({ backend: 'wasm', manifestUrl: '/models/no-such-manifest.json' }));
  expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', details: { kind: 'manifest', status: 404 }, title: 'The model list is missing on the server' });
  expect(error!.message).toContain('/models/no-such-manifest.json');
  expect(error!.hint).toContain('/models/no-such-manifest.json');
});
