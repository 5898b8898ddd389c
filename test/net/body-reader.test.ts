/**
 * Reading a body into one reused buffer (body-reader.ts): every byte arrives, in order, whatever
 * the network's pieces; a byte stream is read into our buffer (BYOB), any other stream by the
 * default reader.
 */
import { describe, expect, it } from 'vitest';
import { BODY_READ_BYTES, bodyReader } from '../../src/net/body-reader.js';

/** The file in the network's pieces: one larger than a read, one that ends mid-buffer. */
const PIECES = [300 * 1024, 10, 70 * 1024];
const file = () => {
  const bytes = new Uint8Array(PIECES.reduce((a, b) => a + b, 0));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 255;
  return bytes;
};
function stream(type: 'bytes' | undefined): ReadableStream<Uint8Array> {
  const bytes = file();
  let at = 0;
  const pieces = [...PIECES];
  return new ReadableStream({
    ...(type ? { type } : {}),
    pull(c) {
      const n = pieces.shift();
      if (n === undefined) {
        c.close();
        // A byte stream closed under a pending BYOB read answers it with 0 bytes (as a fetch body does).
        (c as ReadableByteStreamController).byobRequest?.respond(0);
        return;
      }
      c.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  } as UnderlyingDefaultSource<Uint8Array>);
}

/** Compared as bytes (a deep equal over 370 KB takes seconds). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; buffers: number[] }> {
  const reader = bodyReader(body);
  const parts: Uint8Array[] = [];
  const buffers: number[] = [];
  for (let value = await reader.read(); value; value = await reader.read()) {
    buffers.push(value.buffer.byteLength);
    parts.push(value.slice()); // valid only until the next read
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) bytes.set(p, (at += p.length) - p.length);
  return { bytes, buffers };
}

describe('bodyReader', () => {
  it('reads a byte stream into its own buffer, every byte in order', async () => {
    const { bytes, buffers } = await readAll(stream('bytes'));
    expect(sameBytes(bytes, file())).toBe(true);
    // Each piece came in our BODY_READ_BYTES buffer, not in a buffer of the stream's own.
    expect(new Set(buffers)).toEqual(new Set([BODY_READ_BYTES]));
    expect(buffers.length).toBeGreaterThan(PIECES.length); // the 300 KiB piece took two reads
  });

  it('reads any other stream with the default reader', async () => {
    const { bytes, buffers } = await readAll(stream(undefined));
    expect(sameBytes(bytes, file())).toBe(true);
    expect(buffers).toEqual(PIECES);
  });

  it('reads a fetch body (a byte stream in Node as in Chromium)', async () => {
    const { bytes, buffers } = await readAll(new Response(file()).body!);
    expect(sameBytes(bytes, file())).toBe(true);
    expect(new Set(buffers)).toEqual(new Set([BODY_READ_BYTES]));
  });
});
