import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadFailedError, IntegrityMismatchError } from '../../src/errors.js';
import { downloadFile } from '../../src/store/download.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server.js';
import { readFile } from 'node:fs/promises';

const PATH = '/models/ocr-cls/1.0.0/ch_ppocr_mobile_v2.0_cls_infer.onnx';
let server: ModelServer;
let real: Buffer;
const entry = () => ({ url: PATH, bytes: real.length, sha256: createHash('sha256').update(real).digest('hex') });

beforeAll(async () => {
  server = await startModelServer();
  real = await readFile(new URL(`../../public${PATH}`, import.meta.url));
});
afterAll(() => server.close());

describe('downloadFile', () => {
  it('returns the verified bytes and reports progress up to the size', async () => {
    const seen: number[] = [];
    const bytes = await downloadFile(server.url + PATH, entry(), (n) => seen.push(n));
    expect(Buffer.from(bytes).equals(real)).toBe(true);
    expect(seen.at(-1)).toBe(real.length);
  });

  it('refuses bytes whose SHA-256 differs', async () => {
    server.override(PATH, (res, body) => {
      const altered = Buffer.from(body);
      altered.writeUInt8(altered.readUInt8(10) ^ 1, 10);
      res.writeHead(200).end(altered);
      return true;
    });
    await expect(downloadFile(server.url + PATH, entry(), () => undefined)).rejects.toBeInstanceOf(IntegrityMismatchError);
    server.override(PATH, undefined);
  });

  it('refuses a body larger than the manifest says', async () => {
    server.override(PATH, (res, body) => (res.writeHead(200).end(Buffer.concat([body, Buffer.from('extra')])), true));
    await expect(downloadFile(server.url + PATH, entry(), () => undefined)).rejects.toMatchObject({ code: 'INTEGRITY_MISMATCH' });
    server.override(PATH, undefined);
  });

  it('reports a connection cut mid-body as DOWNLOAD_FAILED', async () => {
    server.override(PATH, (res, body) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000), () => res.destroy());
      return true;
    });
    const error = await downloadFile(server.url + PATH, entry(), () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadFailedError);
    expect((error as Error).message).toMatch(/cut off|ended/);
    server.override(PATH, undefined);
  });

  it('reports HTTP errors and unreachable hosts as DOWNLOAD_FAILED', async () => {
    await expect(downloadFile(`${server.url}/models/nope.onnx`, entry(), () => undefined)).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      details: { status: 404 },
    });
    await expect(downloadFile('http://127.0.0.1:1/x.onnx', entry(), () => undefined)).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
  });
});
