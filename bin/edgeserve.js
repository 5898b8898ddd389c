#!/usr/bin/env node
// The `edgeserve` command: the compiled CLI in dist/cli/ (made by `npm run build:cli`, which
// `npm run build` and `prepack` run), on Node with the package's dependencies alone. A git
// checkout that was never built builds it first (README, "The CLI").
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/tools/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('edgeserve: the compiled CLI is missing (dist/cli/tools/cli/main.js). In a git checkout, run `npm run build:cli` first.');
  process.exit(1);
}
await import(compiled.href);
