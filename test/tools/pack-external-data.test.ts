// `edgeserve pack` of a model whose weights are in external data: every file is recorded (graph
// first, then each data file at the graph's folder + its location, bytes and SHA-256), a
// missing data file is a typed error naming it, and a file pack does not take says what it takes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packModel } from '../../tools/pack.js';
import { externalizeFile } from '../../tools/externalize.js';
import { externalizeModel, writeExternalData } from '../../tools/onnx/external-data.js';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { ToolError } from '../../tools/tool-error.js';
import { main } from '../../tools/cli/cli.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { matmulModel, matmulModelBytes } from '../fixtures/matmul-model.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'edgeserve-packx-'));
const fileEntry = (path: string, url: string) => {
  const bytes = readFileSync(path);
  return { url, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
};
function thrown(f: () => unknown): ToolError {
  try {
    f();
  } catch (err) {
    if (err instanceof ToolError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

const out = captureCliOutput();

describe('edgeserve pack: external data', () => {
  it('records the graph and its data file, graph first, each with bytes and SHA-256', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'big'));
    writeFileSync(join(dir, 'big', 'model.onnx'), matmulModelBytes({ k: 256, n: 512, seed: 2 }));
    externalizeFile(join(dir, 'big', 'model.onnx'));
    const manifest = join(dir, 'manifest.json');
    const { variant } = packModel(join(dir, 'big', 'model.onnx'), { manifest, id: 'big' });
    expect(variant.files).toEqual([fileEntry(join(dir, 'big', 'model.onnx'), 'big/model.onnx'), fileEntry(join(dir, 'big', 'model.onnx_data'), 'big/model.onnx_data')]);
    expect(variant.files[1]!.bytes).toBe(256 * 512 * 4 + 2048);
    const m = validateManifest(JSON.parse(readFileSync(manifest, 'utf8')));
    expect(m.models[0]!.inputs).toEqual([{ name: 'x', dtype: 'float32', dims: ['batch', 256] }]);
    expect(m.models[0]!.versions[0]!.variants[0]!.files).toHaveLength(2);
  });

  it('a data file in a subfolder keeps its location under the graph URL, for --url too', () => {
    const dir = tmp();
    const model = matmulModel({ k: 64, n: 64, seed: 4 });
    const plan = externalizeModel(model, { location: 'weights/w.bin' });
    mkdirSync(join(dir, 'm', 'weights'), { recursive: true });
    writeExternalData(join(dir, 'm', 'weights', 'w.bin'), plan);
    writeFileSync(join(dir, 'm', 'net.onnx'), onnx.ModelProto.encode(model).finish());
    const manifest = join(dir, 'manifest.json');
    expect(packModel(join(dir, 'm', 'net.onnx'), { manifest, id: 'a' }).variant.files.map((f) => f.url)).toEqual(['m/net.onnx', 'm/weights/w.bin']);
    expect(packModel(join(dir, 'm', 'net.onnx'), { manifest, id: 'b', url: 'https://cdn.example/v2/net.onnx' }).variant.files.map((f) => f.url)).toEqual([
      'https://cdn.example/v2/net.onnx',
      'https://cdn.example/v2/weights/w.bin',
    ]);
  });

  it("copies the data files along when the model is outside the manifest's folder", () => {
    const dir = tmp();
    writeFileSync(join(dir, 'model.onnx'), matmulModelBytes({ k: 64, n: 64, seed: 6 }));
    externalizeFile(join(dir, 'model.onnx'));
    const manifest = join(dir, 'public', 'models', 'manifest.json');
    const { variant, copiedTo } = packModel(join(dir, 'model.onnx'), { manifest, id: 'm', version: '2.0.0' });
    expect(variant.files.map((f) => f.url)).toEqual(['m/2.0.0/model.onnx', 'm/2.0.0/model.onnx_data']);
    expect(copiedTo).toEqual([join(dir, 'public/models/m/2.0.0/model.onnx'), join(dir, 'public/models/m/2.0.0/model.onnx_data')]);
    expect(readFileSync(copiedTo![1]!)).toEqual(readFileSync(join(dir, 'model.onnx_data')));
  });

  it('a missing data file is NOT_FOUND naming it, and the manifest is not written', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'model.onnx'), matmulModelBytes({ k: 64, n: 64, seed: 8 }));
    externalizeFile(join(dir, 'model.onnx'));
    rmSync(join(dir, 'model.onnx_data'));
    const manifest = join(dir, 'manifest.json');
    const err = thrown(() => packModel(join(dir, 'model.onnx'), { manifest }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/external data file "model\.onnx_data", which is missing/);
    expect(existsSync(manifest)).toBe(false);
    expect(await main(['pack', join(dir, 'model.onnx'), '-m', manifest])).toBe(1);
    expect(out.join('\n')).toMatch(/error: .*model\.onnx_data", which is missing/);
  });
});

describe('edgeserve pack: files it does not take', () => {
  const cases: [string, Uint8Array | string, RegExp][] = [
    ['config.json', JSON.stringify({ architectures: ['BertModel'], hidden_size: 768 }), /a JSON file but not a TensorFlow\.js model\.json/],
    ['model.onnx_data', new Uint8Array(64).fill(7), /an ONNX external data file: pack the \.onnx graph/],
  ];
  for (const [name, content, what] of cases) {
    it(`${name}: says what it is and which formats pack takes`, async () => {
      const dir = tmp();
      writeFileSync(join(dir, name), content);
      const err = thrown(() => packModel(join(dir, name), { manifest: join(dir, 'manifest.json') }));
      expect(err.code).toBe('UNSUPPORTED_FORMAT');
      expect(err.message).toMatch(what);
      expect(err.message).toMatch(/edgeserve pack takes an ONNX model \(\.onnx.* or a TensorFlow\.js model\.json/);
      expect(err.message).not.toMatch(/protobuf|wire type/);
      expect(await main(['pack', join(dir, name), '-m', join(dir, 'manifest.json')])).toBe(1);
    });
  }
});

describe('edgeserve pack: sizes the runtime refuses', () => {
  it('a data file over 2 GiB is refused before it is hashed, naming the limit', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'model.onnx'), matmulModelBytes({ k: 64, n: 64, seed: 10 }));
    externalizeFile(join(dir, 'model.onnx'));
    truncateSync(join(dir, 'model.onnx_data'), 2 ** 31 + 1); // sparse: no 2 GiB written
    const started = performance.now();
    const err = thrown(() => packModel(join(dir, 'model.onnx'), { manifest: join(dir, 'manifest.json') }));
    expect(err.code).toBe('UNSUPPORTED_MODEL');
    expect(err.message).toMatch(/model\.onnx_data is 2147483649 bytes; edgeserve serves files of at most 2147483648 bytes/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
