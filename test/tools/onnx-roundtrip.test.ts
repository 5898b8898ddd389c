// ONNX read/write by protobufjs reflection over onnx.proto: unchanged models must come back
// byte-identical — including If subgraphs (silero-vad), external data and shared weights.
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx, schemaEnum } from '../../tools/onnx/onnx-proto.js';
import { readModelFile, writeModelFile } from '../../tools/onnx/model-io.js';
import { quantizeModel } from '../../tools/quantize/quantize-model.js';
import { createSession, ort } from '../../tools/ort-node.js';
import { MODEL_PATHS } from '../fixtures/model-paths.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'edgeserve-rt-'));

describe('ONNX round trip', () => {
  for (const [id, path] of Object.entries(MODEL_PATHS)) {
    it(`${id}: decode → encode is byte-identical`, () => {
      const bytes = readFileSync(path);
      const out = onnx.ModelProto.encode(onnx.ModelProto.decode(bytes)).finish();
      expect(Buffer.compare(bytes, Buffer.from(out))).toBe(0);
    });
  }

  it('the typed enums agree with onnx.proto', () => {
    expect(schemaEnum('TensorProto.DataType')).toEqual(onnx.TensorProto.DataType);
    expect(schemaEnum('TensorProto.DataLocation')).toEqual(onnx.TensorProto.DataLocation);
    expect(schemaEnum('AttributeProto.AttributeType')).toEqual(onnx.AttributeProto.AttributeType);
  });

  it('silero-vad keeps its If subgraphs through read/write', () => {
    const { model, baseDir } = readModelFile(MODEL_PATHS['silero-vad']);
    const ifs = (model.graph!.node ?? []).filter((n) => n.opType === 'If');
    expect(ifs.length).toBeGreaterThan(0);
    expect((ifs[0]!.attribute ?? []).some((a) => a.g && (a.g.node?.length ?? 0) > 0)).toBe(true);
    const dir = tmp();
    writeModelFile(join(dir, 'vad.onnx'), model, baseDir);
    expect(Buffer.compare(readFileSync(join(dir, 'vad.onnx')), readFileSync(MODEL_PATHS['silero-vad']))).toBe(0);
  });

  /** y = x · W with W [64, 32] in external data, read twice (a shared initializer). */
  function externalModel(dir: string): { w: Float32Array } {
    const w = Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i * 0.37));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(w.buffer));
    const init = onnx.TensorProto.create({
      name: 'W',
      dims: [64, 32],
      dataType: onnx.TensorProto.DataType.FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: 'weights.bin' },
        { key: 'offset', value: '0' },
        { key: 'length', value: String(w.byteLength) },
      ],
    });
    const vi = (name: string, dims: number[]): onnx.ValueInfoProto =>
      onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
      });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'test',
      graph: {
        name: 'g',
        initializer: [init],
        input: [vi('x', [4, 64])],
        output: [vi('y', [4, 32]), vi('z', [4, 32])],
        node: [
          { opType: 'MatMul', input: ['x', 'W'], output: ['y'], name: 'mm1' },
          { opType: 'MatMul', input: ['x', 'W'], output: ['z'], name: 'mm2' },
        ],
      },
    });
    writeFileSync(join(dir, 'ext.onnx'), onnx.ModelProto.encode(model).finish());
    return { w };
  }

  it('external data: written elsewhere, the .onnx is identical and its data file comes along', () => {
    const src = tmp();
    externalModel(src);
    const dest = tmp();
    const { model, baseDir } = readModelFile(join(src, 'ext.onnx'));
    writeModelFile(join(dest, 'ext.onnx'), model, baseDir);
    expect(Buffer.compare(readFileSync(join(src, 'ext.onnx')), readFileSync(join(dest, 'ext.onnx')))).toBe(0);
    expect(existsSync(join(dest, 'weights.bin'))).toBe(true);
  });

  it('external data and a shared weight: quantized once, both MatMuls stay right', async () => {
    const src = tmp();
    const { w } = externalModel(src);
    const { model, baseDir } = readModelFile(join(src, 'ext.onnx'));
    const report = quantizeModel(model, baseDir, { mode: 'dynamic', perChannel: true });
    expect(report.quantized.MatMul).toBe(2);
    expect((model.graph!.initializer ?? []).some((t) => t.name === 'W')).toBe(false);
    expect((model.graph!.initializer ?? []).filter((t) => t.dataType === onnx.TensorProto.DataType.INT8)).toHaveLength(1);
    const session = await createSession(onnx.ModelProto.encode(model).finish());
    const x = Float32Array.from({ length: 4 * 64 }, (_, i) => Math.cos(i * 0.11));
    const out = await session.run({ x: new ort.Tensor('float32', x, [4, 64]) });
    const y = out.y!.data as Float32Array;
    const z = out.z!.data as Float32Array;
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 32; c++) {
        let ref = 0;
        for (let k = 0; k < 64; k++) ref += x[r * 64 + k]! * w[k * 32 + c]!;
        expect(Math.abs(y[r * 32 + c]! - ref)).toBeLessThan(0.05 * 8);
        expect(z[r * 32 + c]).toBe(y[r * 32 + c]);
      }
    }
    await session.release();
  });
});
