import { describe, expect, it } from 'vitest';
import type { Manifest, Precision } from '../../src/manifest/schema.js';
import { compareVersions, findModel, findVariant, pickVersion } from '../../src/manifest/select.js';
import { fixtureManifest } from '../fixtures/manifest.js';

/** What load does with the manifest: model by id, version by policy or request, variant by precision. */
function select(manifest: Manifest, id: string, precision: Precision = 'fp32', version?: string) {
  const model = findModel(manifest, id);
  const chosen = pickVersion(model, version);
  return { version: chosen, variant: findVariant(model, chosen, precision) };
}

describe('select', () => {
  it('picks the latest version by numeric order, not string order', () => {
    expect(select(fixtureManifest(), 'm').version.version).toBe('1.10.0');
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
  });

  it('orders by semver: a release above its prerelease, v10 above v2, rc.10 above rc.2', () => {
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(compareVersions('10.0.0', '2.0.0')).toBe(1);
    expect(compareVersions('1.0.0-rc.10', '1.0.0-rc.2')).toBe(1);
  });

  it('never serves a prerelease as latest while a release is listed', () => {
    const manifest = fixtureManifest();
    manifest.models[0]!.versions.push(
      { version: '1.11.0-rc.1', variants: manifest.models[0]!.versions[0]!.variants },
      { version: '2.0.0-beta.3', variants: manifest.models[0]!.versions[0]!.variants },
    );
    expect(select(manifest, 'm').version.version).toBe('1.10.0');
    // Asked for by name (or pinned), a prerelease is served.
    expect(select(manifest, 'm', 'fp32', '2.0.0-beta.3').version.version).toBe('2.0.0-beta.3');
  });

  it('serves the highest prerelease when the model lists no release yet', () => {
    const manifest = fixtureManifest();
    manifest.models[0]!.versions = ['1.0.0-rc.2', '1.0.0-rc.10', '1.0.0-beta.1'].map((version) => ({ version, variants: manifest.models[0]!.versions[0]!.variants }));
    expect(select(manifest, 'm').version.version).toBe('1.0.0-rc.10');
  });

  it('serves 10.0.0 over 2.0.0 as latest (regression guard; "v10" itself is now refused by validate)', () => {
    const manifest = fixtureManifest();
    manifest.models[0]!.versions = ['2.0.0', '10.0.0', '9.1.0'].map((version) => ({ version, variants: manifest.models[0]!.versions[0]!.variants }));
    expect(select(manifest, 'm').version.version).toBe('10.0.0');
  });

  it('honours a pinned policy and an explicit version', () => {
    const manifest = fixtureManifest();
    manifest.models[0]!.policy = { kind: 'pinned', version: '1.9.0' };
    expect(select(manifest, 'm').version.version).toBe('1.9.0');
    expect(select(fixtureManifest(), 'm', 'fp32', '1.9.0').variant.files[0]!.url).toBe('m/1.onnx');
  });

  it('picks the variant by precision', () => {
    expect(select(fixtureManifest(), 'm', 'int8').variant.files[0]!.url).toBe('m/3.onnx');
  });

  it('names what exists when asked for what does not', () => {
    expect(() => select(fixtureManifest(), 'x')).toThrow(/no model "x".*it has: m/);
    expect(() => select(fixtureManifest(), 'm', 'fp16')).toThrow(expect.objectContaining({ code: 'VARIANT_NOT_FOUND' }));
    expect(() => select(fixtureManifest(), 'm', 'fp32', '3.0.0')).toThrow(/no version 3.0.0/);
  });
});
