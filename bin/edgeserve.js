#!/usr/bin/env node
// The `edgeserve` command. A published package runs the compiled CLI (dist/cli/, made by
// `npm run build:cli`); a git checkout runs the TypeScript sources through tsx, a
// devDependency, so the command works right after `npm ci` with no build step.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/tools/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../tools/cli/main.ts', import.meta.url).href);
}
