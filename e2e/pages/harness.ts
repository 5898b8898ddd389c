/**
 * The page Playwright drives: the real library, real inputs, nothing mocked. Tests call into
 * `window.harness` with page.evaluate.
 */
import * as comlink from 'comlink';
import * as edgeserve from '../../src/index.js';
import * as inputs from '../../test/fixtures/inputs.js';

/** Another Comlink user on the page (its own worker, the page's Comlink): for the good-neighbour spec. */
const neighbour = () => comlink.wrap<{ fail(): void; echo(value: string): string }>(new Worker(new URL('./neighbour.worker.ts', import.meta.url), { type: 'module' }));

const harness = { edgeserve, inputs, ctcDecode: edgeserve.ctcDecode, neighbour };
declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.getElementById('status')!.textContent = 'ready';
