/**
 * Manifests for the version tests, made from the real one: real model files listed as several
 * versions (each version's file under its own URL, so downloads can be counted), served in
 * place of /models/manifest.json through Playwright routing. A version can be made of another
 * real variant's file (the int8 one): it opens and runs the same way but answers differently,
 * so a test can tell which version really ran.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext } from '@playwright/test';
import type { Manifest, ModelEntry, Precision, VersionPolicy } from '../src/manifest/schema.js';

export function realManifest(): Manifest {
  return JSON.parse(readFileSync(new URL('../public/models/manifest.json', import.meta.url), 'utf8')) as Manifest;
}

/**
 * `id` with the given versions as fp32 variants, made of its real fp32 file unless `madeOf`
 * names another real variant for a version (`?v=` keeps their URLs apart).
 */
export function withVersions(id: string, versions: string[], policy: VersionPolicy = { kind: 'latest' }, madeOf: Record<string, Precision> = {}): Manifest {
  const manifest = realManifest();
  const model = manifest.models.find((m) => m.id === id)!;
  const source = (version: string) => model.versions[0]!.variants.find((v) => v.precision === (madeOf[version] ?? 'fp32'))!;
  const entry: ModelEntry = {
    ...model,
    policy,
    versions: versions.map((version) => ({
      version,
      variants: [{ precision: 'fp32', files: source(version).files.map((f) => ({ ...f, url: `${f.url}?v=${version}` })) }],
    })),
  };
  return { schemaVersion: 1, models: [entry] };
}

/** Serves `manifest` as /models/manifest.json to every page and worker of the context. */
export async function serveManifest(context: BrowserContext, manifest: Manifest): Promise<void> {
  await context.unroute('**/models/manifest.json');
  await context.route('**/models/manifest.json', (route) => route.fulfill({ json: manifest, headers: { 'cache-control': 'no-store' } }));
}

/** Counts requests for model files (not the manifest) per `?v=` version. */
export function countModelRequests(context: BrowserContext): { all: string[]; forVersion: (v: string) => number } {
  const all: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/models/') && !url.pathname.endsWith('manifest.json')) all.push(url.pathname + url.search);
  });
  return { all, forVersion: (v) => all.filter((u) => u.endsWith(`?v=${v}`)).length };
}
