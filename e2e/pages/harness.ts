/**
 * The page Playwright drives: the real library, real inputs, nothing mocked. Tests call into
 * `window.harness` with page.evaluate.
 */
import * as edgeserve from '../../src/index.js';
import * as inputs from '../../test/fixtures/inputs.js';

/** A runtime worker whose engine spins forever on an input starting with -7777 (e2e/worker-watchdog.spec.ts). */
const spinWorkerFactory = (name: string) => new Worker(new URL('./spin.worker.ts', import.meta.url), { type: 'module', name });

const harness = { edgeserve, inputs, ctcDecode: edgeserve.ctcDecode, spinWorkerFactory };
declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.getElementById('status')!.textContent = 'ready';
