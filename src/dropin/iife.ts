/**
 * The drop-in script (dist/edgeserve.iife.js): `window.edgeserve`, the module's API, for pages
 * that include one <script> tag, possibly from another origin (a CDN serving the package as it
 * is). Two differences from the module:
 * - A page cannot start a worker from another origin's URL, so the worker is a few-line blob:
 *   module that imports the package's lib/runtime.worker.js next to this script: the worker, its
 *   engine chunks and the engines' .wasm/.mjs then load from the script's origin (CORS), each
 *   only when needed. A Content-Security-Policy therefore needs `worker-src blob:`.
 * - Defaults resolve against the script's own URL, not the page's: the manifest is
 *   `models/manifest.json` next to the script unless the page says otherwise.
 * Then it runs the declarative mode over the page (declarative.ts).
 */
import { createRuntime as createModuleRuntime, type Runtime, type RuntimeOptions } from '../index.js';
import type { WorkerFactory } from '../client/worker-link.js';
import { startDeclarative } from './declarative.js';

export * from '../index.js';

// document.currentScript exists only while this script first runs: read it now.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : undefined;
const base = script?.src || location.href;
const attr = (name: string) => script?.getAttribute(`data-${name}`) ?? undefined;

/** The package's ESM worker, next to this script in the package (dist/lib/). */
export const workerUrl = new URL(attr('worker-url') ?? 'lib/runtime.worker.js', base).href;

/**
 * The blob: worker's source. A dynamic import() is fetched as a script (CSP `script-src`, which
 * already lists the CDN for this very script), where a static import in a module worker would be
 * fetched as a worker (`worker-src` would need the CDN too). Messages that arrive while the
 * package's worker is still loading have no listener yet: they are held and re-dispatched once
 * it has set up Comlink.
 */
const bootstrap = (url: string) => `const held = [];
const hold = (event) => held.push(event);
addEventListener('message', hold);
await import(${JSON.stringify(url)});
removeEventListener('message', hold);
for (const event of held) dispatchEvent(new MessageEvent('message', { data: event.data, ports: [...event.ports] }));
`;

let blobUrl: string | undefined;
const blobWorker: WorkerFactory = (name) => {
  // One blob: URL per page, never revoked: every restarted worker starts from it.
  blobUrl ??= URL.createObjectURL(new Blob([bootstrap(workerUrl)], { type: 'text/javascript' }));
  return new Worker(blobUrl, { type: 'module', name });
};

const enginesUrl = attr('engines-url');

/** The options a page gets without passing any: next to the script, or from the script tag's data-* attributes. */
export const scriptDefaults: Required<Pick<RuntimeOptions, 'manifestUrl' | 'workerFactory'>> & Pick<RuntimeOptions, 'backend' | 'engineAssetsUrl'> = {
  manifestUrl: new URL(attr('manifest-url') ?? 'models/manifest.json', base).href,
  workerFactory: blobWorker,
  ...(enginesUrl ? { engineAssetsUrl: new URL(enginesUrl, base).href } : {}),
  ...(attr('backend') ? { backend: attr('backend') as RuntimeOptions['backend'] } : {}),
};

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  return createModuleRuntime({ ...scriptDefaults, ...options });
}

/** Runs the declarative mode now (it also runs by itself unless the script tag has data-declarative="off"). */
export const scan = startDeclarative(createRuntime, attr('declarative') !== 'off');
