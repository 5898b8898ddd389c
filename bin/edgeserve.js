#!/usr/bin/env node
// The `edgeserve` command. The package runs the compiled CLI (dist/cli/, made by
// `npm run build:cli`, which `npm run build` and `prepack` run), on Node with the package's
// dependencies alone. Only a git checkout that was never built falls back to the TypeScript
// sources through tsx, a devDependency, so the command works right after `npm ci`.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/tools/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../tools/cli/main.ts', import.meta.url).href);
}
