/**
 * The chunk hasher (chunk-hasher.ts) in Node, where no hashing worker starts: chunks added in any
 * order are hashed in order, and the digest is the whole file's. The worker's way, and the
 * fallback a page's CSP forces, are e2e/chunk-hasher.spec.ts, in Chromium.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkHasher } from '../../src/integrity/chunk-hasher.js';

const file = new Uint8Array(10_000).map((_, i) => (i * 7) & 255);
const CHUNK = 3000;
const chunks = () => Array.from({ length: Math.ceil(file.length / CHUNK) }, (_, c) => file.slice(c * CHUNK, (c + 1) * CHUNK).buffer);
const whole = createHash('sha256').update(file).digest('hex');

describe('chunkHasher', () => {
  it('hashes chunks added out of order in order: the whole file’s SHA-256', async () => {
    const hasher = await chunkHasher(file.length, 0);
    expect(hasher.where).toBe('here'); // Node: no Worker
    const parts = chunks();
    for (const c of [2, 0, 3, 1]) hasher.add(c, parts[c]!);
    expect(await hasher.digest()).toBe(whole);
  });

  it('is another digest when a chunk is missing or altered', async () => {
    const missing = await chunkHasher(file.length);
    const parts = chunks();
    for (const c of [0, 1, 3]) missing.add(c, parts[c]!);
    expect(await missing.digest()).not.toBe(whole);

    const altered = await chunkHasher(file.length);
    const again = chunks();
    new Uint8Array(again[1]!)[5]! ^= 1;
    for (const [c, part] of again.entries()) altered.add(c, part);
    expect(await altered.digest()).not.toBe(whole);
  });
});
