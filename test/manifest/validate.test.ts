import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManifestInvalidError } from '../../src/errors.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { fixtureManifest } from '../fixtures/manifest.js';

const generated = new URL('../../public/models/manifest.json', import.meta.url);

describe('validateManifest', () => {
  it('accepts a well-formed manifest', () => {
    expect(validateManifest(fixtureManifest()).models[0]!.id).toBe('m');
  });

  it.skipIf(!existsSync(generated))('accepts the manifest `npm run models` writes', () => {
    const manifest = validateManifest(JSON.parse(readFileSync(generated, 'utf8')));
    expect(manifest.models.map((m) => m.id)).toEqual(['ocr-cls', 'ocr-det', 'ocr-rec', 'silero-vad', 'nsfw-mobilenet', 'blazeface']);
  });

  const broken: [string, (m: ReturnType<typeof fixtureManifest>) => unknown, RegExp][] = [
    ['not an object', () => 'nope', /root/],
    ['another schema version', (m) => ({ ...m, schemaVersion: 2 }), /schemaVersion/],
    ['a bad dtype', (m) => ((m.models[0]!.inputs[0]!.dtype = 'float64' as never), m), /dtype/],
    ['a negative dim', (m) => ((m.models[0]!.inputs[0]!.dims = [-1]), m), /dims/],
    ['no versions', (m) => ((m.models[0]!.versions = []), m), /versions/],
    ['a bad hash', (m) => ((m.models[0]!.versions[0]!.variants[0]!.files[0]!.sha256 = 'ABC'), m), /sha256/],
    ['a zero size', (m) => ((m.models[0]!.versions[0]!.variants[0]!.files[0]!.bytes = 0), m), /bytes/],
    ['an unknown precision', (m) => ((m.models[0]!.versions[0]!.variants[0]!.precision = 'int3' as never), m), /variants\[0\]\.precision: must be one of fp32/],
    ['a size past any allocation (2**53 - 1)', (m) => ((m.models[0]!.versions[0]!.variants[0]!.files[0]!.bytes = 2 ** 53 - 1), m), /bytes.*at most/],
    [
      'more files than a variant may list',
      (m) => {
        const files = m.models[0]!.versions[0]!.variants[0]!.files;
        m.models[0]!.versions[0]!.variants[0]!.files = Array.from({ length: 257 }, () => files[0]!);
        return m;
      },
      /files.*at most/,
    ],
    ['a queue delay of 1e12 µs', (m) => ((m.models[0]!.batching = { maxQueueDelayUs: 1e12 }), m), /batching\.maxQueueDelayUs/],
    ['a version with a "v" prefix', (m) => ((m.models[0]!.versions[0]!.version = 'v2'), m), /versions\[0\]\.version: "v2" is not a semantic version/],
    ['a version of two parts', (m) => ((m.models[0]!.versions[1]!.version = '1.0'), m), /versions\[1\]\.version: "1\.0" is not a semantic version/],
    [
      'a version with build metadata (no precedence: two builds would tie)',
      (m) => ((m.models[0]!.versions[0]!.version = '1.0.0+sha.1'), m),
      /"1\.0\.0\+sha\.1" is not a semantic version/,
    ],
    ['a version that is not one', (m) => ((m.models[0]!.versions[0]!.version = 'latest'), m), /"latest" is not a semantic version/],
    ['a version listed twice', (m) => ((m.models[0]!.versions[1]!.version = '1.9.0'), m), /versions\[1\]\.version: duplicate version 1\.9\.0/],
    ['duplicate ids', (m) => ({ ...m, models: [m.models[0], m.models[0]] }), /duplicate/],
    [
      'an agreement out of [0, 1]',
      (m) => (
        (m.models[0]!.versions[0]!.variants[0]!.agreement = {
          inputs: 'generated',
          samples: 4,
          passed: true,
          outputs: [{ name: 'y', kind: 'probability', maxAbs: 0, meanAbs: 0, relative: 0, agreement: 1.5, cosine: 1 }],
        }),
        m
      ),
      /agreement/,
    ],
  ];

  it('accepts prerelease versions', () => {
    const m = fixtureManifest();
    m.models[0]!.versions[0]!.version = '2.0.0-rc.1';
    m.models[0]!.versions[1]!.version = '2.0.0-beta.2';
    expect(validateManifest(m).models[0]!.versions.map((v) => v.version)).toEqual(['2.0.0-rc.1', '2.0.0-beta.2']);
  });

  it('accepts a variant with the agreement its gate measured (and, as before, one without)', () => {
    const m = fixtureManifest();
    m.models[0]!.versions[0]!.variants[0]!.agreement = {
      inputs: 'calibration',
      samples: 6,
      passed: true,
      outputs: [{ name: 'p', kind: 'classifier', maxAbs: 0.02, meanAbs: 0.01, relative: 0.02, agreement: 1, cosine: 0.999 }],
    };
    expect(validateManifest(m).models[0]!.versions[0]!.variants[0]!.agreement?.passed).toBe(true);
  });
  for (const [what, breakIt, message] of broken) {
    it(`refuses ${what} with MANIFEST_INVALID`, () => {
      const attempt = () => validateManifest(breakIt(fixtureManifest()));
      expect(attempt).toThrow(ManifestInvalidError);
      expect(attempt).toThrow(message);
    });
  }
});
