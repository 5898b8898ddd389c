import type { Manifest } from '../../src/manifest/schema.js';

const file = (n: number) => ({ url: `m/${n}.onnx`, bytes: 100 + n, sha256: n.toString(16).padStart(64, '0') });

export function fixtureManifest(): Manifest {
  return {
    schemaVersion: 1,
    models: [
      {
        id: 'm',
        format: 'onnx',
        inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3] }],
        outputs: [{ name: 'y', dtype: 'float32', dims: ['batch', 2] }],
        versions: [
          { version: '1.9.0', variants: [{ precision: 'fp32', files: [file(1)] }] },
          { version: '1.10.0', variants: [{ precision: 'fp32', files: [file(2)] }, { precision: 'int8', files: [file(3)] }] },
        ],
        policy: { kind: 'latest' },
      },
    ],
  };
}
