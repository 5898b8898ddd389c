/**
 * The drop-in's declarative mode on an image from an origin that does not allow the page (no
 * Access-Control-Allow-Origin): the page is told the image is blocked by CORS and by whom — not
 * "Something went wrong".
 */
import { buildDropInLib } from './drop-in-lib.js';
import { expect, test } from './fixtures.js';
import { appHeaders, e2eBuildDir, sidePort, startStaticServer, type StaticServer } from './static-server.js';

const CDN = `http://localhost:${sidePort(3)}`;
const IMAGES = `http://localhost:${sidePort(2)}`;

let servers: StaticServer[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const libDir = buildDropInLib();
  servers = await Promise.all([
    startStaticServer({ port: sidePort(3), roots: [libDir, e2eBuildDir], headers: appHeaders }),
    // The images' origin: it serves the file, but allows no other origin to read it.
    startStaticServer({ port: sidePort(2), roots: [e2eBuildDir] }),
    startStaticServer({
      port: sidePort(4),
      roots: [],
      routes: {
        '/page.html': {
          type: 'text/html',
          body: () =>
            `<!doctype html><meta charset="utf-8"><title>a site</title><body><img id="sign" crossorigin="anonymous" src="${IMAGES}/samples/hello.png" data-edgeserve="ocr" alt="sign"><script src="${CDN}/edgeserve.iife.js"></script></body>`,
        },
      },
    }),
  ]);
});

test.afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('an image blocked by CORS is named as such, with its origin', async ({ page }) => {
  await page.goto(`http://localhost:${sidePort(4)}/page.html`);
  await expect(page.locator('#sign')).toHaveAttribute('data-edgeserve-state', 'error', { timeout: 60_000 });
  const output = page.locator('.edgeserve-result');
  await expect(output).toContainText('Blocked by the other server (CORS)');
  expect(await output.getAttribute('title')).toContain(`${IMAGES} answered but does not allow`);
});
