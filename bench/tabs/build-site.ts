/**
 * The tabs bench's site: its page built from a snapshot of one commit (`git archive`), so the
 * figures belong to that commit and not to others' unfinished edits in the shared working tree;
 * the bench's own files (maybe not committed yet) are laid over it. The engine files and the two
 * models folders (the shipped small models, the scale bench's 256 MB one) are linked in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tabs bench's own files, laid over the snapshot. */
const OWN_FILES = ['bench/tabs', 'bench/pages/tabs.html', 'bench/pages/tabs-page.ts'];

export interface SiteDirs {
  root: string;
  /** .bench-tabs: the snapshot (src/) and the build (site/). */
  cache: string;
  /** The scale bench's models folder, served as /scale-models/. */
  scaleModels: string;
}

const siteOf = (d: SiteDirs) => join(d.cache, 'site');

function buildSnapshot(d: SiteDirs, commit: string, log: (l: string) => void): void {
  const src = join(d.cache, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  log(`bench tabs: building the tabs page from ${commit} (git archive → .bench-tabs/src, vite build → .bench-tabs/site)…`);
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${src}"`], { cwd: d.root, stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(join(d.root, 'node_modules'), join(src, 'node_modules'));
  for (const f of OWN_FILES) cpSync(join(d.root, f), join(src, f), { recursive: true });
  const r = spawnSync('npx', ['vite', 'build', '-c', 'bench/tabs/vite.config.ts', '--logLevel', 'error', '--outDir', siteOf(d), '--emptyOutDir'], {
    cwd: src,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
  writeFileSync(join(siteOf(d), 'built-from'), `${commit} (the tabs bench's own files from the working tree)\n`);
}

/** Builds (when `commit` is given) and links the site; returns its folder and what it was built from. */
export function tabsSite(d: SiteDirs, commit: string | undefined, log: (l: string) => void): { dir: string; builtFrom: string } {
  const site = siteOf(d);
  if (commit) buildSnapshot(d, commit, log);
  if (!existsSync(join(site, 'bench/pages/tabs.html'))) throw new Error('no .bench-tabs/site build: run without --no-build');
  const links: [string, string][] = [
    ['engines', join(d.root, 'public/engines')],
    ['models', join(d.root, 'public/models')],
    ['scale-models', d.scaleModels],
  ];
  for (const [name, target] of links) {
    rmSync(join(site, name), { force: true });
    symlinkSync(target, join(site, name));
  }
  return { dir: site, builtFrom: readFileSync(join(site, 'built-from'), 'utf8').trim() };
}
