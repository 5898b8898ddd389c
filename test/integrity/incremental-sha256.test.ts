import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIncrementalSha256 } from '../../src/integrity/incremental-sha256.js';
import { sha256Hex } from '../../src/integrity/sha256.js';

const whole = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Cut points that make pieces of 0 to `max` bytes, including empty ones. */
function cuts(length: number, max: number, seed: number): number[] {
  const out = [0];
  let x = seed;
  while (out.at(-1)! < length) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(Math.min(length, out.at(-1)! + (x % (max + 1))));
  }
  return out;
}

describe('incremental SHA-256', () => {
  it('equals the one-shot digest (node:crypto and WebCrypto) for any way of cutting the bytes', async () => {
    const bytes = new Uint8Array(randomBytes(1_000_003));
    for (const [max, seed] of [
      [4096, 1],
      [63, 2],
      [65, 3],
      [70_000, 4],
      [2_000_000, 5],
    ] as const) {
      const hasher = await createIncrementalSha256();
      const at = cuts(bytes.length, max, seed);
      for (let i = 1; i < at.length; i++) hasher.update(bytes.subarray(at[i - 1], at[i]));
      expect(hasher.fed).toBe(bytes.length);
      expect(hasher.digestHex()).toBe(whole(bytes));
    }
    expect(await sha256Hex(bytes)).toBe(whole(bytes));
  });

  it('gives the empty string digest when fed nothing', async () => {
    expect((await createIncrementalSha256()).digestHex()).toBe(whole(new Uint8Array(0)));
  });

  it('gives another digest when a piece is dropped or fed twice', async () => {
    const bytes = new Uint8Array(randomBytes(300_000));
    const pieces = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 200_000), bytes.subarray(200_000)];
    const dropped = await createIncrementalSha256();
    for (const p of [pieces[0]!, pieces[2]!]) dropped.update(p);
    const twice = await createIncrementalSha256();
    for (const p of [pieces[0]!, pieces[1]!, pieces[1]!, pieces[2]!]) twice.update(p);
    expect(dropped.digestHex()).not.toBe(whole(bytes));
    expect(twice.digestHex()).not.toBe(whole(bytes));
  });

  it('keeps separate hashers apart when interleaved (one per file)', async () => {
    const a = new Uint8Array(randomBytes(50_000));
    const b = new Uint8Array(randomBytes(70_000));
    const [ha, hb] = await Promise.all([createIncrementalSha256(), createIncrementalSha256()]);
    for (let o = 0; o < 70_000; o += 10_000) {
      ha.update(a.subarray(o, o + 10_000));
      hb.update(b.subarray(o, o + 10_000));
    }
    expect([ha.digestHex(), hb.digestHex()]).toEqual([whole(a), whole(b)]);
  });
});
