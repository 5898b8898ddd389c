// `edgeserve pack model.json`: TF.js graph models as tensorflowjs_converter writes them (real ones
// from @vladmandic/human, MIT) get their inputs and outputs from the signature — names, dtypes,
// shapes, -1 as a symbolic dim — and model.json plus every weight file with bytes and SHA-256; the
// packed entry runs through the engine by those names. Layers models from their input/output layers.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packModel } from '../../tools/pack.js';
import { ToolError } from '../../tools/tool-error.js';
import { main } from '../../tools/cli/cli.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { createTfjsEngine } from '../../src/engines/tfjs.js';
import type { ModelEntry } from '../../src/manifest/schema.js';
import { nodeTfjsContext } from '../fixtures/node-tfjs-context.js';
import { captureCliOutput } from '../fixtures/cli-output.js';
import { unwrapNsfwjsModel } from '../../tools/models/unwrap-nsfwjs.js';

const human = fileURLToPath(new URL('../../node_modules/@vladmandic/human/models/', import.meta.url));
const nsfw = fileURLToPath(new URL('../../node_modules/nsfwjs/dist/models/mobilenet_v2/', import.meta.url));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'edgeserve-packtfjs-'));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const out = captureCliOutput();

/** The model's files copied into `dir/models/` (as a user's public folder holds them). */
function copyModel(dir: string, name: string): string {
  mkdirSync(join(dir, 'models'), { recursive: true });
  for (const file of [`${name}.json`, `${name}.bin`]) copyFileSync(join(human, file), join(dir, 'models', file));
  return join(dir, 'models', `${name}.json`);
}

function thrown(f: () => unknown): ToolError {
  try {
    f();
  } catch (err) {
    if (err instanceof ToolError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('edgeserve pack model.json (TF.js graph models)', () => {
  it('reads names, dtypes and shapes from the signature (top level or userDefinedMetadata) and records model.json and its weights', async () => {
    const dir = tmp();
    const manifest = join(dir, 'manifest.json');
    for (const name of ['blazeface', 'handtrack', 'movenet-lightning', 'emotion']) {
      expect(await main(['pack', copyModel(dir, name), '-m', manifest])).toBe(0);
    }
    const m = validateManifest(JSON.parse(readFileSync(manifest, 'utf8')));
    const byId = Object.fromEntries(m.models.map((e) => [e.id, e])) as Record<string, ModelEntry>;
    expect(Object.keys(byId)).toEqual(['blazeface', 'handtrack', 'movenet-lightning', 'emotion']);
    // blazeface: its signature is under userDefinedMetadata, outputs in an order of its own.
    expect(byId.blazeface).toMatchObject({
      format: 'tfjs',
      inputs: [{ name: 'input:0', dtype: 'float32', dims: [1, 256, 256, 3] }],
      outputs: [
        { name: 'Identity_3:0', dtype: 'float32', dims: [1, 384, 16] },
        { name: 'Identity:0', dtype: 'float32', dims: [1, 512, 1] },
        { name: 'Identity_1:0', dtype: 'float32', dims: [1, 384, 1] },
        { name: 'Identity_2:0', dtype: 'float32', dims: [1, 512, 16] },
      ],
    });
    // handtrack: a uint8 image (never float32), eight outputs.
    expect(byId.handtrack!.inputs).toEqual([{ name: 'input_tensor:0', dtype: 'uint8', dims: [1, 320, 320, 3] }]);
    expect(byId.handtrack!.outputs.map((o) => o.name)).toHaveLength(8);
    expect(byId.handtrack!.outputs).toContainEqual({ name: 'Identity_5:0', dtype: 'float32', dims: [1] });
    expect(byId['movenet-lightning']!.inputs).toEqual([{ name: 'input:0', dtype: 'int32', dims: [1, 192, 192, 3] }]);
    // emotion: -1 (any size) is a symbolic dim of its own, not a negative size the manifest refuses.
    expect(byId.emotion!.inputs).toEqual([{ name: 'input_1:0', dtype: 'float32', dims: ['unk__0', 64, 64, 1] }]);
    expect(byId.emotion!.outputs).toEqual([{ name: 'Identity:0', dtype: 'float32', dims: ['unk__1', 7] }]);
    for (const name of ['blazeface', 'handtrack']) {
      expect(byId[name]!.versions[0]!.variants).toEqual([
        {
          precision: 'fp32',
          files: [`${name}.json`, `${name}.bin`].map((f) => ({ url: `models/${f}`, bytes: readFileSync(join(human, f)).length, sha256: sha256(join(human, f)) })),
          ...(name === 'handtrack' ? { recipe: 'weights stored as uint8 by tensorflowjs_converter, dequantized to float32 at load' } : {}),
        },
      ]);
    }
    expect(out.join('\n')).toMatch(/blazeface fp32: \d+ bytes, sha256 \w{12}…, TensorFlow\.js; weights models\/blazeface\.bin: 538928 bytes/);
  });

  it('the packed entry runs through the engine: every output of the signature, under its name, in its dtype', async () => {
    const dir = tmp();
    const manifest = join(dir, 'manifest.json');
    packModel(copyModel(dir, 'handtrack'), { manifest });
    const entry = validateManifest(JSON.parse(readFileSync(manifest, 'utf8'))).models[0]!;
    const files = entry.versions[0]!.variants[0]!.files.map((f) => ({ url: f.url, bytes: readFileSync(join(dir, f.url)) }));
    const session = await createTfjsEngine().create(entry, files, 'wasm', nodeTfjsContext());
    const input = entry.inputs[0]!;
    const outputs = await session.run({ [input.name]: { dtype: 'uint8', dims: [1, 320, 320, 3], data: new Uint8Array(320 * 320 * 3).fill(128) } });
    await session.dispose();
    expect(Object.keys(outputs)).toEqual(entry.outputs.map((o) => o.name));
    for (const o of entry.outputs) expect(outputs[o.name], o.name).toMatchObject({ dtype: o.dtype, dims: o.dims });
  }, 60_000);

  it('a graph without a signature: Placeholders are the inputs, nodes nothing reads the outputs (dims from _output_shapes)', () => {
    const dir = tmp();
    const shape = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });
    const model = (outputShapes: boolean) => ({
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shape(-1, 3) } } },
          { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
          { name: 'y', op: 'MatMul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, ...(outputShapes ? { _output_shapes: { list: { shape: [shape(-1, 2)] } } } : {}) } },
        ],
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [3, 2], dtype: 'float32' }] }],
    });
    writeFileSync(join(dir, 'w.bin'), new Uint8Array(24));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model(true)));
    const { entry } = packModel(join(dir, 'model.json'), { manifest: join(dir, 'manifest.json'), id: 'mm' });
    expect(entry.inputs).toEqual([{ name: 'x', dtype: 'float32', dims: ['unk__0', 3] }]);
    expect(entry.outputs).toEqual([{ name: 'y', dtype: 'float32', dims: ['unk__1', 2] }]);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model(false)));
    const err = thrown(() => packModel(join(dir, 'model.json'), { manifest: join(dir, 'manifest.json'), id: 'mm' }));
    expect(err.code).toBe('UNSUPPORTED_MODEL');
    expect(err.message).toMatch(/output y: the model\.json has no signature and no _output_shapes/);
  });

  it('a missing weight file is named, and nothing is written', () => {
    const dir = tmp();
    const json = copyModel(dir, 'emotion');
    rmSync(join(dir, 'models', 'emotion.bin'));
    const err = thrown(() => packModel(json, { manifest: join(dir, 'manifest.json') }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/names the weight file "emotion\.bin", which is missing/);
  });
});

describe('edgeserve pack model.json (TF.js layers models)', () => {
  it('nsfwjs MobileNetV2: input from its input layer (None → batch), output from its Dense layer; id from the folder (a version folder’s parent)', async () => {
    const dir = tmp();
    const folder = join(dir, 'nsfw', '1.0.0');
    mkdirSync(folder, { recursive: true });
    // nsfwjs ships the model wrapped in JS; unwrapped it is the model.json + shard Keras's converter wrote.
    await unwrapNsfwjsModel(nsfw, folder);
    const { entry, variant } = packModel(join(folder, 'model.json'), { manifest: join(dir, 'manifest.json') });
    expect(entry).toMatchObject({
      id: 'nsfw',
      format: 'tfjs',
      inputs: [{ name: 'input_1', dtype: 'float32', dims: ['batch', 224, 224, 3] }],
      outputs: [{ name: 'dense_3', dtype: 'float32', dims: ['batch', 5] }],
    });
    expect(variant.files.map((f) => f.url)).toEqual(['nsfw/1.0.0/model.json', 'nsfw/1.0.0/group1-shard1of1.bin']);
  });
});
