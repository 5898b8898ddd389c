/**
 * npm run models ships q4 only where quantize finds MatMul/Gemm weights to pack: the table in
 * tools/models/precision-variants.ts must follow the models, not an old reading of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeInt8Variant } from '../../../tools/make-int8-variant.js';
import { EXTRA_PRECISIONS } from '../../../tools/models/precision-variants.js';
import { MODEL_PATHS, type BenchModelId } from '../../fixtures/model-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeserve-extra-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fp16/q4 table of npm run models', () => {
  it('lists fp16 for every shipped ONNX model', () => {
    for (const id of Object.keys(MODEL_PATHS)) expect(EXTRA_PRECISIONS[id]).toContain('fp16');
  });

  for (const id of Object.keys(MODEL_PATHS) as BenchModelId[]) {
    it(`${id}: q4 listed exactly when the model has MatMul/Gemm weights`, async () => {
      const made = await makeInt8Variant(MODEL_PATHS[id], join(dir, `${id}.q4.onnx`), { mode: 'q4', gate: false });
      expect(EXTRA_PRECISIONS[id]?.includes('q4')).toBe(made.bytesOut > 0);
    });
  }
});
