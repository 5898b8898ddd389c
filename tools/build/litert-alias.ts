/**
 * LiteRT.js loads its glue through `@litertjs/wasm-utils`, with importScripts, which a module
 * worker lacks: every build of edgeserve's worker (vite.config.ts: the demo, e2e and Vitest;
 * build-lib.ts: the package) resolves that package to src/engines/litert-wasm-lib.ts instead.
 */
import { fileURLToPath } from 'node:url';

export const litertAlias = {
  find: /^@litertjs\/wasm-utils$/,
  replacement: fileURLToPath(new URL('../../src/engines/litert-wasm-lib.ts', import.meta.url)),
};
