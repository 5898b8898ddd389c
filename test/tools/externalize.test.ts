// `edgeserve externalize`: a single-file model becomes model.onnx + model.onnx_data, laid out as
// onnx's convert_model_to_external_data (one data file, initializers of ≥ threshold bytes, big
// ones page-aligned), and the real onnxruntime-web gives exactly the single-file model's outputs
// when handed the data file as onnxruntime-web's externalData; quantize reads external data too.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalizeFile } from '../../tools/externalize.js';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { readModelFile } from '../../tools/onnx/model-io.js';
import { externalDataFiles, inlineExternalData } from '../../tools/onnx/external-data.js';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { main } from '../../tools/cli/cli.js';
import { createSession, ort } from '../../tools/ort-node.js';
import { matmulInput, matmulModelBytes } from '../fixtures/matmul-model.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

const K = 512;
const N = 1000; // W is 2,048,000 bytes (≥ 1 MiB: aligned), b 4,000 (not a multiple of 4096), s 4 (stays in the graph)
const tmp = (): string => mkdtempSync(join(tmpdir(), 'edgeserve-ext-'));

async function run(graph: Uint8Array, externalData?: { path: string; data: Uint8Array }[], k = K): Promise<Float32Array> {
  const session = await createSession(graph, externalData ? { externalData } : {});
  const x = matmulInput(3, k);
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [3, k]) });
  await session.release();
  return y!.data as Float32Array;
}

function entries(t: onnx.ITensorProto): Record<string, string> {
  return Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
}

const out = captureCliOutput();

describe('edgeserve externalize', () => {
  it('writes graph + one .onnx_data whose outputs equal the single-file model exactly', async () => {
    const src = tmp();
    const single = matmulModelBytes({ k: K, n: N, seed: 3 });
    writeFileSync(join(src, 'model.onnx'), single);
    const dest = join(tmp(), 'out');
    expect(await main(['externalize', join(src, 'model.onnx'), '--out', dest])).toBe(0);
    expect(out.join('\n')).toMatch(/model\.onnx_data: 2 initializers, 2052096 bytes/);

    const graph = readFileSync(join(dest, 'model.onnx'));
    const data = readFileSync(join(dest, 'model.onnx_data'));
    expect(graph.length).toBeLessThan(1000);
    const model = onnx.ModelProto.decode(graph);
    const [b, w, s] = model.graph!.initializer!;
    // b at 0, W page-aligned after it (4000 → 4096), s (4 bytes) left in the graph.
    expect(entries(b!)).toEqual({ location: 'model.onnx_data', offset: '0', length: '4000' });
    expect(entries(w!)).toEqual({ location: 'model.onnx_data', offset: '4096', length: String(K * N * 4) });
    expect(s!.dataLocation).toBe(0);
    expect(s!.rawData!.length).toBe(4);
    expect(data.length).toBe(4096 + K * N * 4);
    expect(data.subarray(4000, 4096).every((v) => v === 0)).toBe(true);

    const expected = await run(single);
    const got = await run(graph, [{ path: 'model.onnx_data', data }]);
    expect(got.length).toBe(3 * N);
    expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(expected.buffer))).toBe(0);

    // Reading the data back gives the single-file model byte for byte.
    const back = readModelFile(join(dest, 'model.onnx'));
    expect(inlineExternalData(back.model, back.baseDir)).toEqual(['model.onnx_data']);
    expect(Buffer.compare(Buffer.from(onnx.ModelProto.encode(back.model).finish()), Buffer.from(single))).toBe(0);
  }, 60_000);

  it('converts in place by default and respects --threshold; refuses a model already external', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'm.onnx'), matmulModelBytes({ k: 64, n: 32, seed: 5 }));
    // W is 8192 bytes, b 128: a threshold of 4096 moves W only.
    expect(await main(['externalize', join(dir, 'm.onnx'), '--threshold', '4096'])).toBe(0);
    const { model } = readModelFile(join(dir, 'm.onnx'));
    expect(externalDataFiles(model)).toEqual(['m.onnx_data']);
    expect(model.graph!.initializer!.filter((t) => t.dataLocation === 1).map((t) => t.name)).toEqual(['W']);
    expect(statSync(join(dir, 'm.onnx_data')).size).toBe(64 * 32 * 4);
    expect(await main(['externalize', join(dir, 'm.onnx')])).toBe(2);
    expect(out.join('\n')).toMatch(/already keeps weights in external data/);
    expect(await main(['externalize', join(dir, 'm.onnx'), '--threshold', 'lots'])).toBe(2);
  });

  it('quantize reads the external data (gate on real weights) and writes one self-contained file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'm.onnx'), matmulModelBytes({ k: 256, n: 128, seed: 9 }));
    externalizeFile(join(dir, 'm.onnx'));
    const result = await makeInt8Variant(join(dir, 'm.onnx'), join(dir, 'm.int8.onnx'));
    expect(result.quantized.MatMul).toBe(1);
    expect(result.bytesIn).toBe(statSync(join(dir, 'm.onnx')).size + statSync(join(dir, 'm.onnx_data')).size);
    expect(result.agreement?.passed).toBe(true);
    const int8 = readFileSync(join(dir, 'm.int8.onnx'));
    expect(externalDataFiles(onnx.ModelProto.decode(int8))).toEqual([]);
    rmSync(join(dir, 'm.onnx_data'));
    // Runs on its own, with the data file gone.
    expect((await run(int8, undefined, 256)).length).toBe(3 * 128);
  }, 60_000);
});
