/**
 * The page Playwright drives: the real library, real inputs, nothing mocked. Tests call into
 * `window.harness` with page.evaluate.
 */
import * as edgeserve from '../../src/index.js';
import * as inputs from '../../test/fixtures/inputs.js';

const harness = { edgeserve, inputs, ctcDecode: edgeserve.ctcDecode };
declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.getElementById('status')!.textContent = 'ready';
