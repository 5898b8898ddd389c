// quantize prints its own lines, not onnxruntime's: a model with unused initializers makes
// onnxruntime warn "Removing initializer …" for each, on every session the gate opens. Hidden by
// default, shown with --verbose (which also proves this test sees them when they are printed).
// Run as a child process: onnxruntime's WASM build writes to the process's stderr directly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { floatTensor } from '../../tools/onnx/tensor-data.js';
import { rng } from '../../tools/rng.js';
import { encodeGraph, floatInfo } from '../fixtures/onnx-graph.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What `edgeserve quantize` wrote to stderr: its progress lines, and onnxruntime's when shown. */
const stderrOf = (args: string[]): string =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'tools/cli/main.ts'), 'quantize', ...args], { cwd: root, encoding: 'utf8' }).stderr;

describe('quantize: onnxruntime warnings', () => {
  it('are hidden unless --verbose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-ortlog-'));
    const next = rng(3);
    const w = Float32Array.from({ length: 32 * 32 }, () => next() - 0.5);
    const unused = Array.from({ length: 6 }, (_, i) => floatTensor(`unused_${i}`, [300], new Float32Array(300)));
    const model = join(dir, 'model.onnx');
    writeFileSync(
      model,
      encodeGraph({
        name: 'g',
        initializer: [floatTensor('w', [32, 32], w), ...unused],
        input: [floatInfo('x', [1, 32])],
        output: [floatInfo('y', [1, 32])],
        node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
      }),
    );
    const quiet = stderrOf([model, '-o', join(dir, 'a.onnx')]);
    expect(quiet).toMatch(/edgeserve: writing/);
    expect(quiet).not.toMatch(/onnxruntime|Removing initializer/);
    const verbose = stderrOf([model, '-o', join(dir, 'b.onnx'), '--verbose']);
    expect(verbose).toMatch(/Removing initializer 'unused_0'/);
  }, 60_000);
});
