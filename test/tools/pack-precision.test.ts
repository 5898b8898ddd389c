// `pack` of a version's only variant that is not fp32 (a dynamic-int8 export, say) warns that a
// plain load(id), which asks for fp32, will not find it, and says what would.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../tools/cli/cli.js';
import { makeInt8Variant } from '../../tools/make-int8-variant.js';
import { matmulModelBytes } from '../fixtures/matmul-model.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

const out = captureCliOutput();

describe('edgeserve pack: a version with no fp32 variant', () => {
  it('warns that load(id) asks for fp32, naming the precision to ask for; not once fp32 is there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-prec-'));
    writeFileSync(join(dir, 'm.onnx'), matmulModelBytes({ k: 64, n: 32, seed: 12 }));
    await makeInt8Variant(join(dir, 'm.onnx'), join(dir, 'export.onnx'));
    const manifest = join(dir, 'manifest.json');
    expect(await main(['pack', join(dir, 'export.onnx'), '-m', manifest, '--id', 'm'])).toBe(0);
    expect(out.join('')).toMatch(/warning: m 1\.0\.0 has no fp32 variant, and load\('m'\) asks for fp32: load it with \{ precision: 'int8' \}/);
    out.length = 0;
    copyFileSync(join(dir, 'm.onnx'), join(dir, 'm-fp32.onnx'));
    expect(await main(['pack', join(dir, 'm-fp32.onnx'), '-m', manifest, '--id', 'm'])).toBe(0);
    expect(out.join('')).not.toMatch(/warning/);
  }, 30_000);
});
