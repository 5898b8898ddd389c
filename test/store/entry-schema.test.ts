import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkEntry, ENTRY_SCHEMA, type StoredEntry } from '../../src/store/entry-schema.js';
import { CHUNK_BYTES } from '../../src/store/limits.js';
import { checkFile } from '../../src/store/verify-on-read.js';

const key = { id: 'm', version: '1.0.0', precision: 'fp32' as const };
const bytes = new Uint8Array(CHUNK_BYTES + 10).map((_, i) => i % 251);
const sha = createHash('sha256').update(bytes).digest('hex');
/** A record as edgeserve before schema 2 wrote it (no `schema` field). */
const legacy = () => ({
  ...key,
  bytes: bytes.length,
  storedAt: 1,
  lastUsedAt: 2,
  files: [{ url: 'm.onnx', sha256: sha, bytes: bytes.length, chunks: 2 }],
  spec: { id: 'm', format: 'onnx', inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3] }], outputs: [] },
});
type Rec = ReturnType<typeof legacy>;

describe('checkEntry', () => {
  it('migrates a schema-1 record to the current schema', () => {
    const result = checkEntry(legacy(), key);
    expect(result).toMatchObject({ ok: true, entry: { schema: ENTRY_SCHEMA, bytes: bytes.length } });
  });

  const damaged: [string, (r: Rec) => unknown, RegExp][] = [
    ['not an object', () => 'x', /not an object/],
    ['null', () => null, /null/],
    ['spec: null', (r) => ({ ...r, spec: null }), /spec/],
    ['files: null', (r) => ({ ...r, files: null }), /files/],
    ['bytes: -1', (r) => ({ ...r, bytes: -1 }), /bytes/],
    ['a file of bytes: -1', (r) => ({ ...r, files: [{ ...r.files[0]!, bytes: -1 }] }), /bytes -1/],
    ['chunks: 2**31', (r) => ({ ...r, files: [{ ...r.files[0]!, chunks: 2 ** 31 }] }), /chunks/],
    ['bytes: 2**53 - 1', (r) => ({ ...r, bytes: 2 ** 53 - 1, files: [{ ...r.files[0]!, bytes: 2 ** 53 - 1 }] }), /bytes/],
    ['a future schema', (r) => ({ ...r, schema: 99 }), /schema 99/],
    ['another model', (r) => ({ ...r, id: 'n' }), /another model/],
    ['a bad hash', (r) => ({ ...r, files: [{ ...r.files[0]!, sha256: 'x' }] }), /sha256/],
    ['a spec of another model', (r) => ({ ...r, spec: { ...r.spec, id: 'n' } }), /spec/],
    ['a tensor spec that is not one', (r) => ({ ...r, spec: { ...r.spec, inputs: [null] } }), /inputs\[0\]/],
  ];
  for (const [what, damage, reason] of damaged) {
    it(`reports ${what} as invalid, with the reason`, () => {
      const result = checkEntry(damage(legacy()), key);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(reason);
    });
  }
});

/** Feeds the chunks of file 0 in order as a read would; the first reason given, or the bytes. */
async function verify(entry: StoredEntry, chunks: unknown[]): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: string }> {
  const check = await checkFile(entry, 0);
  for (const [c, chunk] of chunks.entries()) {
    const reason = check.add(c, chunk);
    if (reason) return { ok: false, reason };
  }
  const reason = await check.finish();
  return reason ? { ok: false, reason } : { ok: true, bytes: check.bytes };
}

describe('checkFile (hash-on-read, chunk by chunk)', () => {
  const entry = () => {
    const result = checkEntry(legacy(), key);
    if (!result.ok) throw new Error(result.reason);
    return result.entry;
  };
  const chunks = () => [bytes.slice(0, CHUNK_BYTES).buffer, bytes.slice(CHUNK_BYTES).buffer];

  it('puts the chunks back together when the hash matches', async () => {
    const result = await verify(entry(), chunks());
    expect(result.ok && Buffer.from(result.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses a flipped byte, a missing chunk and a chunk of the wrong size', async () => {
    const flipped = chunks();
    new Uint8Array(flipped[1]!)[3]! ^= 1;
    expect(await verify(entry(), flipped)).toMatchObject({ ok: false, reason: expect.stringMatching(/SHA-256/) });
    expect(await verify(entry(), [chunks()[0]])).toMatchObject({ ok: false, reason: expect.stringMatching(/1 of its 2 chunks/) });
    expect(await verify(entry(), [chunks()[0], undefined])).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
    expect(await verify(entry(), [chunks()[0], new ArrayBuffer(11)])).toMatchObject({ ok: false, reason: expect.stringMatching(/11 bytes, not 10/) });
  });

  it('refuses a chunk read twice or one the record does not name', async () => {
    const [first, second] = chunks();
    expect(await verify(entry(), [first, first])).toMatchObject({ ok: false });
    expect(await verify(entry(), [first, second, second])).toMatchObject({ ok: false, reason: expect.stringMatching(/no chunk 2/) });
    const check = await checkFile(entry(), 0);
    check.add(0, first);
    expect(check.add(0, first)).toMatch(/read twice/);
  });

  it('puts chunks that come out of order in their place, and hashes them in order', async () => {
    const [first, second] = chunks();
    const check = await checkFile(entry(), 0);
    expect(check.add(1, second)).toBeUndefined();
    expect(check.add(0, first)).toBeUndefined();
    expect(await check.finish()).toBeUndefined();
    expect(Buffer.from(check.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});
