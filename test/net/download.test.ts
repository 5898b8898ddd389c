import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadFailedError, IntegrityMismatchError } from '../../src/errors.js';
import { downloadFile } from '../../src/net/download.js';
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

describe('downloadFile on a bad network', () => {
  it('fails with DOWNLOAD_FAILED when no byte arrives for the stall limit, mid-body', async () => {
    server.override(PATH, (res, body) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000)); // then nothing, connection held open
      return true;
    });
    const started = Date.now();
    const error = await downloadFile(server.url + PATH, entry(), () => undefined, undefined, { stallMs: 300 }).catch((e: unknown) => e);
    server.override(PATH, undefined);
    expect(error).toBeInstanceOf(DownloadFailedError);
    expect(error).toMatchObject({ details: { received: 1000, stallMs: 300 } });
    expect((error as Error).message).toMatch(/stalled: no bytes for 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails on a server that never sends its headers', async () => {
    server.override(PATH, () => true); // accepts the request, answers nothing
    const error = await downloadFile(server.url + PATH, entry(), () => undefined, undefined, { stallMs: 300 }).catch((e: unknown) => e);
    server.override(PATH, undefined);
    expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', message: expect.stringMatching(/stalled/) });
  });

  it('resumes a cut download with a Range request and checks the whole file', async () => {
    let cuts = 0;
    server.override(PATH, (res, body, req) => {
      if (cuts++ > 0) return false; // the server's own (Range-aware) answer
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 200_000), () => res.destroy());
      return true;
    });
    const before = server.ranges.length;
    const seen: number[] = [];
    const bytes = await downloadFile(server.url + PATH, entry(), (n) => seen.push(n));
    server.override(PATH, undefined);
    expect(Buffer.from(bytes).equals(real)).toBe(true);
    const ranges = server.ranges.slice(before);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    const resumedAt = Number(/\d+/.exec(ranges[1]!)![0]);
    expect(resumedAt).toBeGreaterThan(0);
    // Progress never went back to 0: the second request carried on from where the first stopped.
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
  });

  it('starts again from byte 0 when the server ignores Range (200)', async () => {
    const plain = await startModelServer({ ranges: false });
    let cuts = 0;
    plain.override(PATH, (res, body) => {
      if (cuts++ > 0) return false;
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 200_000), () => res.destroy());
      return true;
    });
    const bytes = await downloadFile(plain.url + PATH, entry(), () => undefined);
    expect(Buffer.from(bytes).equals(real)).toBe(true);
    expect(plain.ranges[1]).toMatch(/^bytes=/);
    await plain.close();
  });

  it('refuses a resumed file whose bytes are not the manifest bytes', async () => {
    let cuts = 0;
    server.override(PATH, (res, body, req) => {
      if (cuts++ === 0) {
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, 200_000), () => res.destroy());
        return true;
      }
      const from = Number(/\d+/.exec(req.headers.range ?? '0')![0]);
      const altered = Buffer.from(body.subarray(from));
      altered[altered.length - 1]! ^= 1;
      res.writeHead(206, { 'content-length': altered.length, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` }).end(altered);
      return true;
    });
    await expect(downloadFile(server.url + PATH, entry(), () => undefined)).rejects.toMatchObject({ code: 'INTEGRITY_MISMATCH' });
    server.override(PATH, undefined);
  });
});
