/**
 * What the packaging specs share: the packed tarball (`npm pack`, which runs `prepack`: the
 * library and CLI builds) installed into a fresh app in a temporary folder, as a user would.
 * The app's dependencies come from what `npm ci` already fetched here (`npm ci --offline`
 * against a lock derived from this repository's: app-lockfile.ts), so no network is needed.
 * The app is e2e/package/app/ (the README's steps), its model a small ONNX model made with the
 * project's ONNX writer, and its manifest written by the installed `edgeserve pack`.
 * A worker-scoped fixture: packed and installed once per Playwright worker, for every spec.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { tinyModelBytes } from '../../test/fixtures/tiny-onnx-model.js';
import { appLockfile } from './app-lockfile.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface InstalledApp {
  /** The app's folder (package.json, node_modules/edgeserve, public/models/). */
  dir: string;
  /** node_modules/edgeserve: the package's files as a CDN would serve them. */
  packageDir: string;
  /** Seconds spent packing and installing, for the report. */
  setupSeconds: number;
}

const run = (command: string, args: string[], cwd: string) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function installApp(): InstalledApp {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'edgeserve-app-'));
  run('npm', ['pack', '--pack-destination', dir], repoRoot);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
  cpSync(join(import.meta.dirname, 'app'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module', dependencies: { edgeserve: `file:${tarball}` } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(appLockfile(repoRoot, tarball, join(dir, tarball)), null, 2));
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir);
  mkdirSync(join(dir, 'public/models'), { recursive: true });
  writeFileSync(join(dir, 'public/models/tiny.onnx'), tinyModelBytes());
  run('npx', ['edgeserve', 'pack', 'public/models/tiny.onnx', '--manifest', 'public/models/manifest.json', '--id', 'tiny'], dir);
  return { dir, packageDir: join(dir, 'node_modules/edgeserve'), setupSeconds: Math.round((performance.now() - started) / 1000) };
}

export const test = base.extend<object, { installedApp: InstalledApp }>({
  installedApp: [
    async ({}, use) => {
      const app = installApp();
      console.log(`packed and installed edgeserve into ${app.dir} in ${app.setupSeconds} s`);
      await use(app);
      rmSync(app.dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 600_000 },
  ],
});
export { expect };

/** The repository's own bundler binaries (the same versions an app would install). */
export const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);

/** Starts a long-running server command and resolves once `url` answers. */
export async function startServer(command: string, args: string[], cwd: string, url: string): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited: ${output}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`${url} never answered: ${output}`);
}

export function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
