/**
 * The page Playwright drives: the real library, real inputs, nothing mocked. Tests call into
 * `window.harness` with page.evaluate.
 */
import * as edgeserve from '../../src/index.js';
import * as inputs from '../../test/fixtures/inputs.js';

/** A runtime worker whose host treats the WebGPU adapter as hardware (auto-backend-measured.spec.ts). */
const adapterAsHardwareWorker = (name: string) => new Worker(new URL('./adapter-as-hardware.worker.ts', import.meta.url), { type: 'module', name });

const harness = { edgeserve, inputs, ctcDecode: edgeserve.ctcDecode, adapterAsHardwareWorker };
declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.getElementById('status')!.textContent = 'ready';
