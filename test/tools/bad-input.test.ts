// Bad input to `edgeserve quantize`: a clear message, a non-zero exit, and no output file —
// neither the named one nor a leftover temp file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/cli/cli.js';
import { onnx } from '../../tools/onnx/onnx-proto.js';
import { MODEL_PATHS } from '../fixtures/model-paths.js';

// The CLI's sources, as a checkout runs them (the packed, compiled CLI is e2e/package-cli.spec.ts's).
const CLI_SOURCE = fileURLToPath(new URL('../../tools/cli/main.ts', import.meta.url));
let dir: string;
let stderr: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgeserve-bad-'));
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr.push(String(s));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

async function quantize(input: string): Promise<number> {
  return main(['quantize', input, '-o', join(dir, 'out.onnx')]);
}

describe('edgeserve quantize on bad input', () => {
  it('a file that is not ONNX', async () => {
    const f = join(dir, 'notes.onnx');
    writeFileSync(f, 'hello, this is plain text and not a protobuf at all\n'.repeat(20));
    expect(await quantize(f)).toBe(1);
    expect(stderr.join('')).toMatch(/not an ONNX model/);
    expect(readdirSync(dir)).toEqual(['notes.onnx']);
  });

  it('a truncated file', async () => {
    const f = join(dir, 'cut.onnx');
    const bytes = readFileSync(MODEL_PATHS['ocr-cls']);
    writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await quantize(f)).toBe(1);
    expect(stderr.join('')).toMatch(/ends early|truncated/);
    expect(readdirSync(dir)).toEqual(['cut.onnx']);
  });

  it('an unsupported opset', async () => {
    const f = join(dir, 'old.onnx');
    const model = onnx.ModelProto.decode(readFileSync(MODEL_PATHS['ocr-cls']));
    model.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: 5 })];
    writeFileSync(f, onnx.ModelProto.encode(model).finish());
    expect(await quantize(f)).toBe(1);
    expect(stderr.join('')).toMatch(/opset 5.*supports opsets 7–23/);
    expect(readdirSync(dir)).toEqual(['old.onnx']);
  });

  it('a missing file and bad usage', async () => {
    expect(await quantize(join(dir, 'nope.onnx'))).toBe(1);
    expect(stderr.join('')).toMatch(/no such file/);
    expect(await main(['quantize', MODEL_PATHS['ocr-cls']])).toBe(2);
    expect(await main(['quantize', MODEL_PATHS['ocr-cls'], '-o', join(dir, 'x.onnx'), '--mode', 'fp4'])).toBe(2);
    expect(await main(['frobnicate'])).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the CLI run as a process exits non-zero with the message on stderr', () => {
    const f = join(dir, 'junk.onnx');
    writeFileSync(f, Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]));
    let status = 0;
    let err = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', CLI_SOURCE, 'quantize', f, '-o', join(dir, 'o.onnx')], { stdio: 'pipe' });
    } catch (e) {
      const x = e as { status: number; stderr: Buffer };
      status = x.status;
      err = x.stderr.toString();
    }
    expect(status).toBe(1);
    expect(err).toMatch(/edgeserve: error: .*not an ONNX model/);
    expect(readdirSync(dir)).toEqual(['junk.onnx']);
  }, 30_000);
});
