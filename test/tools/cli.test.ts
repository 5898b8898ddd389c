// The CLI end to end, in-process: --help everywhere, static mode fed from a directory of .npy
// calibration samples, then pack into a manifest.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../tools/cli/cli.js';
import { parseNpy } from '../../tools/quantize/calibration-data.js';
import { DEFAULT_THRESHOLDS } from '../../tools/quantize/quality-gate.js';
import { MODEL_BENCH } from '../fixtures/model-inputs.js';
import { MODEL_PATHS } from '../fixtures/model-paths.js';
import { captureCliOutput } from '../fixtures/cli-output.js';

const out = captureCliOutput();

/** A float32 C-order .npy (format 1.0), as numpy.save writes it. */
function npy(dims: number[], data: Float32Array): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

describe('edgeserve CLI', () => {
  it('prints help for every command', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(await main(['quantize', '--help'])).toBe(0);
    expect(await main(['pack', '--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/--mode <m>[\s\S]*--manifest <file>/);
  });

  it('parses .npy', () => {
    const d = Float32Array.of(1, -2, 3.5, 4, 5, 6);
    expect(parseNpy(npy([2, 3], d), 'x')).toEqual({ dims: [2, 3], data: d });
  });

  it('quantize --mode static --calibration <dir of .npy>, then pack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeserve-cli-'));
    mkdirSync(join(dir, 'calib'));
    MODEL_BENCH['ocr-cls'].samples(4, 5).forEach((s, i) => {
      const x = s.feeds.x!;
      writeFileSync(join(dir, 'calib', `${i}.npy`), npy([...x.dims], x.data as Float32Array));
    });
    const model = join(dir, 'cls.int8.onnx');
    const code = await main(['quantize', MODEL_PATHS['ocr-cls'], '-o', model, '--mode', 'static', '--calibration', join(dir, 'calib'), '--calibration-method', 'percentile']);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/calibration 4\/4[\s\S]*int8, \d+ Conv/);
    expect(await main(['pack', model, '-m', join(dir, 'manifest.json'), '--id', 'ocr-cls'])).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { models: { versions: { variants: { recipe: string }[] }[] }[] };
    expect(manifest.models[0]!.versions[0]!.variants[0]!.recipe).toBe('quantize --mode static --per-channel');
  }, 60_000);

  it("states the quality gate's thresholds as the gate and docs/quantization.md hold them (one source)", async () => {
    expect(await main(['quantize', '--help'])).toBe(0);
    const help = out.join('\n').replace(/\s+/g, ' ');
    const t = DEFAULT_THRESHOLDS;
    expect(help).toContain(`agree on ≥ ${Math.round(t.minAgreement * 100)} %`);
    expect(help).toContain(`99th percentile of |Δp| be ≤ ${t.maxP99AbsProbability}`);
    expect(help).toContain(`cosine ≥ ${t.minCosine} and relative error ≤ ${t.maxRelative}`);
    const docs = readFileSync(new URL('../../docs/quantization.md', import.meta.url), 'utf8');
    expect(docs).toContain(`| ≥ ${Math.round(t.minAgreement * 100)} % and ≤ ${t.maxP99AbsProbability} |`);
    expect(docs).toContain(`| ≥ ${t.minCosine} and ≤ ${t.maxRelative} |`);
  });
});
