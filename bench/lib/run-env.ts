/** Where a bench run happened, for its docs page: the repository's commit and the browser's version. */
import { execFileSync } from 'node:child_process';

/** `git <args>` in `cwd`, trimmed; 'unknown' outside a checkout. */
export function git(cwd: string, ...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** The Chromium the bench drives (CHROMIUM_PATH, else Debian's), as `--version` prints it. */
export function chromiumVersion(): string {
  try {
    return execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'Chromium (version unknown)';
  }
}
