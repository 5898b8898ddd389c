/**
 * LiteRT.js's run-time files as edgeserve serves them (`npm run models` into public/engines/litert/,
 * the package build into dist/lib/litert/): each build's .wasm as the package ships it, and its
 * Emscripten glue as an ES module. The glue is a classic script (`var ModuleFactory = …`, then a
 * CommonJS/AMD export) that LiteRT.js runs with importScripts — which a module worker, as
 * edgeserve's is, does not have. An ES export appended (and its CommonJS/AMD names shadowed) is
 * the whole change: the code that runs is the package's own.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LITERT_STEMS } from '../../src/engines/engine-files.js';

export const LITERT_DIST = 'node_modules/@litertjs/core/wasm';

const UMD_SHADOW = 'const exports = undefined, module = undefined, define = undefined;\n';

/** The classic glue as an ES module whose default export is its module factory. */
export function litertGlueModule(classic: string): string {
  if (!/^var ModuleFactory = /m.test(classic)) throw new Error('LiteRT.js glue: no `var ModuleFactory` (a new build layout?)');
  // Its UMD tail also exports through `module`/`define` when such globals exist (a test runner's
  // module wrapper, an AMD page) and fails on a module namespace: shadowed, the ES export is the only one.
  return `${UMD_SHADOW}${classic}\nexport default ModuleFactory;\n`;
}

/** Writes `<stem>.wasm` and `<stem>.mjs` for both builds into `toDir`. */
export function copyLitertAssets(root: string, toDir: string): void {
  mkdirSync(toDir, { recursive: true });
  for (const stem of Object.values(LITERT_STEMS)) {
    copyFileSync(join(root, LITERT_DIST, `${stem}.wasm`), join(toDir, `${stem}.wasm`));
    writeFileSync(join(toDir, `${stem}.mjs`), litertGlueModule(readFileSync(join(root, LITERT_DIST, `${stem}.js`), 'utf8')));
  }
}
