/**
 * `npm run build:cli` (also run by `prepack`): compiles the `edgeserve` CLI and what it imports
 * to dist/cli/ (tools/tsconfig.cli.json), so the installed package runs on Node with its runtime
 * dependencies alone. tsc emits only what it compiles; the files the compiled code reads or
 * imports as they are (`.js`, `.proto`, `.json` next to the sources) are copied alongside,
 * whatever they are, so the CLI keeps working when the ONNX I/O changes how it reads its schema.
 * Usage: tsx tools/build/build-cli.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, 'dist/cli');
const RUNTIME_FILES = /\.(js|mjs|cjs|proto|json)$/;
// Folders whose files the CLI never reads at run time.
const SKIP = new Set(['build', 'models']);

// From scratch: a file left from an earlier build must not make a broken build look whole.
rmSync(outDir, { recursive: true, force: true });
execFileSync('npx', ['tsc', '-p', 'tools/tsconfig.cli.json'], { cwd: root, stdio: 'inherit' });

function copyRuntimeFiles(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) copyRuntimeFiles(path);
    } else if (RUNTIME_FILES.test(entry.name) && !entry.name.startsWith('tsconfig')) {
      const to = join(outDir, relative(root, path));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(path, to);
    }
  }
}
copyRuntimeFiles(join(root, 'tools'));
console.log(`built the CLI into ${relative(root, outDir)}/`);
