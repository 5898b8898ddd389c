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
    const error = await downloadFile(server.url + PATH, entry(), () => undefined, undefined, { sleep: async () => undefined }).catch((e: unknown) => e);
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

/** A sink that records each chunk it is handed, with how many bytes had arrived by then. */
function recordingSink(chunkBytes: number, progress: { received: number }) {
  const calls: { index: number; bytes: Buffer; receivedThen: number }[] = [];
  return {
    calls,
    sink: {
      chunkBytes,
      onChunk: async (index: number, bytes: Uint8Array) => void calls.push({ index, bytes: Buffer.from(bytes), receivedThen: progress.received }),
    },
  };
}

describe('downloadFile chunk by chunk', () => {
  it('hands each chunk to the sink as soon as it has arrived, in order, and they make the file', async () => {
    // Sent in 16 KiB writes with pauses, so the body arrives in many reads as a slow network's would.
    server.override(PATH, (res, body) => {
      res.writeHead(200, { 'content-length': body.length });
      let at = 0;
      const next = () => {
        if (at >= body.length) return void res.end();
        res.write(body.subarray(at, (at += 16_384)), () => setTimeout(next, 1));
      };
      next();
      return true;
    });
    const progress = { received: 0 };
    const chunkBytes = 64 * 1024;
    const { calls, sink } = recordingSink(chunkBytes, progress);
    const bytes = await downloadFile(server.url + PATH, entry(), (n) => (progress.received = n), undefined, { sink });
    server.override(PATH, undefined);
    expect(calls.map((c) => c.index)).toEqual(Array.from({ length: Math.ceil(real.length / chunkBytes) }, (_, i) => i));
    expect(Buffer.concat(calls.map((c) => c.bytes)).equals(real)).toBe(true);
    // Written as they arrive: each chunk was handed over before the bytes after it had come in
    // (at most one network read past its end), not all at the end of the download.
    for (const call of calls.slice(0, -1)) expect(call.receivedThen).toBeLessThan((call.index + 1) * chunkBytes + 16_384 + 1);
    expect(Buffer.from(bytes).equals(real)).toBe(true);
  });

  it('hands the chunks over again from chunk 0 when the server restarts the file, and still verifies it', async () => {
    const plain = await startModelServer({ ranges: false });
    let cuts = 0;
    plain.override(PATH, (res, body) => {
      if (cuts++ > 0) return false;
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 200_000), () => res.destroy());
      return true;
    });
    const progress = { received: 0 };
    const { calls, sink } = recordingSink(64 * 1024, progress);
    await downloadFile(plain.url + PATH, entry(), (n) => (progress.received = n), undefined, { sink, sleep: async () => undefined });
    await plain.close();
    const lastRun = calls.slice(calls.findLastIndex((c) => c.index === 0));
    expect(Buffer.concat(lastRun.map((c) => c.bytes)).equals(real)).toBe(true);
    expect(calls.filter((c) => c.index === 0)).toHaveLength(2);
  });

  it('fails with the sink’s own error when a chunk cannot be written', async () => {
    const sink = {
      chunkBytes: 64 * 1024,
      onChunk: async (index: number) => {
        if (index === 2) throw new Error('disk full');
      },
    };
    await expect(downloadFile(server.url + PATH, entry(), () => undefined, undefined, { sink })).rejects.toThrow('disk full');
  });

  it('hands an empty file over as one empty chunk', async () => {
    server.override(PATH, (res) => (res.writeHead(200, { 'content-length': 0 }).end(), true));
    const { calls, sink } = recordingSink(1024, { received: 0 });
    const empty = { url: PATH, bytes: 0, sha256: createHash('sha256').digest('hex') };
    expect((await downloadFile(server.url + PATH, empty, () => undefined, undefined, { sink })).byteLength).toBe(0);
    server.override(PATH, undefined);
    expect(calls.map((c) => [c.index, c.bytes.length])).toEqual([[0, 0]]);
  });
});

describe('downloadFile backoff between resumes', () => {
  /** Cuts every answer after 50 KB more than the last, so each resume makes progress. */
  function cutEachTime(limit: number) {
    let answers = 0;
    server.override(PATH, (res, body, req) => {
      const from = Number(/\d+/.exec(req.headers.range ?? '0')![0]);
      if (answers++ >= limit) return false;
      const head = from > 0 ? { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` } : {};
      res.writeHead(from > 0 ? 206 : 200, { 'content-length': body.length - from, ...head });
      res.write(body.subarray(from, from + 50_000), () => res.destroy());
      return true;
    });
  }

  it('waits longer before each resume, with jitter, within the cap', async () => {
    cutEachTime(4);
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const bytes = await downloadFile(server.url + PATH, entry(), () => undefined, undefined, { sleep, random: () => 0.5, backoff: { baseMs: 100, maxMs: 500 } });
    server.override(PATH, undefined);
    expect(Buffer.from(bytes).equals(real)).toBe(true);
    // Equal jitter at random 0.5: 3/4 of min(cap, base·2^n).
    expect(waits).toEqual([75, 150, 300, 375]);
  });

  it('draws each wait between half and all of its step', async () => {
    const { backoffDelay } = await import('../../src/net/backoff.js');
    for (let n = 0; n < 8; n++) {
      const step = Math.min(8000, 250 * 2 ** n);
      expect(backoffDelay(n, undefined, () => 0)).toBe(step / 2);
      expect(backoffDelay(n, undefined, () => 0.999999)).toBeLessThanOrEqual(step);
    }
  });

  it('stops waiting and fails ABORTED at once when cancelled during a wait, without fetching again', async () => {
    cutEachTime(1);
    const controller = new AbortController();
    const before = server.requests.length;
    const started = Date.now();
    const pending = downloadFile(server.url + PATH, entry(), () => undefined, undefined, {
      signal: controller.signal,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    setTimeout(() => controller.abort(), 300);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    server.override(PATH, undefined);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests.length - before).toBe(1);
  });
});
