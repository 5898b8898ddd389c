/**
 * The drop-in script (`edgeserve.iife.js`) as the CDN specs serve it: built by the library's
 * build into `<e2e build>-lib`, once per run — the first spec that needs it builds it, later ones
 * find it newer than this run's e2e build and reuse it (three specs used to build it each).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { e2eBuildDir } from './static-server.js';

export const dropInLibDir = `${e2eBuildDir}-lib`;

export function buildDropInLib(): string {
  const script = join(dropInLibDir, 'edgeserve.iife.js');
  // The e2e build is made at the start of every run (playwright.config.ts): a script older than it is another run's.
  const fresh = existsSync(script) && statSync(script).mtimeMs > statSync(e2eBuildDir).mtimeMs;
  if (!fresh) execFileSync('npx', ['tsx', 'tools/build/build-lib.ts', dropInLibDir, '--iife-only'], { cwd: join(import.meta.dirname, '..'), stdio: 'pipe' });
  return dropInLibDir;
}
