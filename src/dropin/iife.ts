/// <reference types="vite/client" />
/**
 * The drop-in script (dist/edgeserve.iife.js): `window.edgeserve`, the module's API, for pages
 * that include one <script> tag, possibly from another origin (a CDN). Two differences:
 * - The worker is inlined (a blob: URL): a page cannot start a worker from another origin's URL.
 * - Defaults resolve against the script's own URL, not the page's: the manifest, the models and
 *   the engines' files live next to the script (`models/manifest.json`, `engines/`).
 * Then it runs the declarative mode over the page (declarative.ts).
 */
import RuntimeWorker from '../../workers/runtime.worker.ts?worker&inline';
import { createRuntime as createModuleRuntime, type Runtime, type RuntimeOptions } from '../index.js';
import { startDeclarative } from './declarative.js';

export * from '../index.js';

// document.currentScript exists only while this script first runs: read it now.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : undefined;
const base = script?.src || location.href;
const attr = (name: string) => script?.getAttribute(`data-${name}`) ?? undefined;

/** The options a page gets without passing any: next to the script, or from the script tag's data-* attributes. */
export const scriptDefaults: Required<Pick<RuntimeOptions, 'manifestUrl' | 'engineAssetsUrl' | 'workerFactory'>> & Pick<RuntimeOptions, 'backend'> = {
  manifestUrl: new URL(attr('manifest-url') ?? 'models/manifest.json', base).href,
  engineAssetsUrl: new URL(attr('engines-url') ?? 'engines/', base).href,
  workerFactory: (name) => new RuntimeWorker({ name }),
  ...(attr('backend') ? { backend: attr('backend') as RuntimeOptions['backend'] } : {}),
};

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  return createModuleRuntime({ ...scriptDefaults, ...options });
}

/** Runs the declarative mode now (it also runs by itself unless the script tag has data-declarative="off"). */
export const scan = startDeclarative(createRuntime, attr('declarative') !== 'off');
