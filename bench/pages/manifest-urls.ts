/** The URLs of a variant's files, as edgeserve resolves them, so a bare engine loads the same bytes. */
import type { Manifest } from '../../src/index.js';

const manifestUrl = new URL('/models/manifest.json', location.href).href;
let manifest: Promise<Manifest> | undefined;

export async function variantUrls(id: string, precision: string, version?: string): Promise<string[]> {
  // Fetched once with no-store, so the bare side's own model fetch is what the HTTP cache sees.
  manifest ??= fetch(manifestUrl, { cache: 'no-store' }).then((r) => r.json() as Promise<Manifest>);
  const entry = (await manifest).models.find((m) => m.id === id);
  if (!entry) throw new Error(`no model ${id} in the manifest`);
  const v = version ? entry.versions.find((x) => x.version === version) : entry.versions[0];
  const variant = v?.variants.find((x) => x.precision === precision);
  if (!variant) throw new Error(`no ${precision} variant of ${id}`);
  return variant.files.map((f) => new URL(f.url, manifestUrl).href);
}

export async function modelLabels(id: string): Promise<string[]> {
  await variantUrls(id, 'fp32');
  const entry = (await manifest!).models.find((m) => m.id === id);
  return entry?.labels ?? [];
}
