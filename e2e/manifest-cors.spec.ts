/**
 * A manifest on another origin that does not allow this page (no Access-Control-Allow-Origin)
 * is reported as a CORS refusal naming the origin — not "Something went wrong" or "offline".
 */
import { expect, openHarness, test } from './fixtures.js';
import { sidePort, startStaticServer } from './static-server.js';

test('a manifest from an origin without CORS headers is named as blocked by CORS', async ({ page }) => {
  // The second origin serves the real manifest, with CORP (so a COEP page may embed it) but no CORS.
  const server = await startStaticServer({ port: sidePort(2), roots: ['public'], headers: { 'Cross-Origin-Resource-Policy': 'cross-origin' } });
  try {
    await openHarness(page);
    const error = await page.evaluate((manifestUrl) => window.harness.loadFailure({ backend: 'wasm', manifestUrl }), `${server.origin}/models/manifest.json`);
    expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', details: { kind: 'manifest', cors: true }, title: 'Blocked by the other server (CORS)' });
    expect(error!.message).toContain(`${server.origin} answered but does not allow`);
    // The server really was reached: the refusal is CORS, not the network.
    expect(server.log).toContain('/models/manifest.json');
  } finally {
    await server.close();
  }
});
