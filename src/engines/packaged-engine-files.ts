/**
 * Where the engines' files are when the app names no `engineAssetsUrl`.
 *
 * In this repository (the demo, the e2e harness, Vite dev) they are the copies `npm run models`
 * puts in public/engines/, on the worker's own origin. The package build (tools/build/build-lib.ts)
 * replaces this module with one made of `new URL('./ort/<file>', import.meta.url)` literals next
 * to the built worker, which is how bundlers (Vite, webpack) find assets and copy them, and how
 * a CDN serving the package as it is resolves them next to the script.
 */
import { engineFilesAt, type EngineFiles } from './engine-files.js';

export function packagedEngineFiles(): EngineFiles {
  return engineFilesAt(new URL('/engines/', self.location.href).href);
}
