// An ONNX variant may list its graph and the external data files it names: the graph first, each
// data file once, in or under the graph's folder (the engine mounts it at that relative path).
import { describe, expect, it } from 'vitest';
import { ManifestInvalidError } from '../../src/errors.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { fixtureManifest } from '../fixtures/manifest.js';

const entry = (url: string, n = 1) => ({ url, bytes: 100 + n, sha256: n.toString(16).padStart(64, '0') });

function withFiles(urls: string[], format: 'onnx' | 'tfjs' = 'onnx') {
  const m = fixtureManifest();
  m.models[0]!.format = format;
  m.models[0]!.versions[0]!.variants[0]!.files = urls.map((u, i) => entry(u, i + 1));
  return m;
}

describe('validateManifest: ONNX variants with external data', () => {
  const accepted: string[][] = [
    ['big/model.onnx', 'big/model.onnx_data'],
    ['big/model.onnx', 'big/weights/a.bin', 'big/weights/b.bin'],
    ['https://cdn.example/v2/model.onnx', 'https://cdn.example/v2/model.onnx_data'],
    ['model.onnx', 'model.onnx_data'],
    ['blob-1234', 'blob-1234.data'], // no extension to tell the graph by: nothing to check
  ];
  for (const urls of accepted) {
    it(`accepts ${urls.join(' + ')}`, () => expect(validateManifest(withFiles(urls)).models[0]!.versions[0]!.variants[0]!.files).toHaveLength(urls.length));
  }

  const refused: [string, string[], RegExp][] = [
    ['the data file before the graph', ['big/model.onnx_data', 'big/model.onnx'], /files\[0\]: the graph file \(big\/model\.onnx\) must come first/],
    [
      "a data file outside the graph's folder",
      ['big/model.onnx', 'other/model.onnx_data'],
      /files\[1\]\.url: external data file other\/model\.onnx_data must be served from the graph's folder/,
    ],
    ['a data file on another origin', ['https://a.example/model.onnx', 'https://b.example/model.onnx_data'], /files\[1\]\.url: .* must be served from the graph's folder/],
    ['a data file listed twice', ['big/model.onnx', 'big/model.onnx_data', 'big/./model.onnx_data'], /files\[2\]\.url: big\/\.\/model\.onnx_data is listed twice/],
    ['two graphs', ['big/model.onnx', 'big/model_fp16.onnx'], /files\[1\]\.url: big\/model_fp16\.onnx is a second graph/],
  ];
  for (const [what, urls, message] of refused) {
    it(`refuses ${what} with MANIFEST_INVALID`, () => {
      expect(() => validateManifest(withFiles(urls))).toThrow(ManifestInvalidError);
      expect(() => validateManifest(withFiles(urls))).toThrow(message);
    });
  }

  it('leaves tfjs file lists alone (model.json, then weight shards anywhere)', () => {
    expect(() => validateManifest(withFiles(['m/model.json', 'shards/group1-shard1of1.bin'], 'tfjs'))).not.toThrow();
  });
});
