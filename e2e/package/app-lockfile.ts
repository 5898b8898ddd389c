/**
 * A package-lock.json for a fresh app whose one dependency is the packed edgeserve tarball, made
 * from this repository's own lock: the same versions, resolved URLs and integrity hashes `npm ci`
 * already fetched, so `npm ci --offline` installs the app from the npm cache with no network
 * (npm's cache holds tarballs by integrity, not the registry's version lists a range needs).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

/** Where npm finds `name` for the package installed at `from` (a lock key): nearest node_modules first. */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

export function appLockfile(repoRoot: string, tarballName: string, tarballPath: string): object {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    bin: Record<string, string>;
    engines: Record<string, string>;
  };
  const picked: Record<string, LockEntry> = {};
  const queue: [string, Record<string, string>][] = [['', pkg.dependencies]];
  while (queue.length) {
    const [from, deps] = queue.shift()!;
    for (const name of Object.keys(deps)) {
      const key = locate(lock.packages, from, name);
      if (!key || picked[key]) continue;
      const { dev: _d, ...entry } = lock.packages[key]!;
      picked[key] = entry;
      queue.push([key, { ...entry.dependencies, ...entry.optionalDependencies }]);
    }
  }
  const resolved = `file:${tarballName}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarballPath)).digest('base64')}`;
  return {
    name: 'my-app',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'my-app', dependencies: { edgeserve: resolved } },
      'node_modules/edgeserve': { version: pkg.version, resolved, integrity, license: 'MIT', dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
      ...picked,
    },
  };
}
