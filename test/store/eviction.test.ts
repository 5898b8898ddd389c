import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { makeRoom } from '../../src/store/eviction.js';

const MB = 1024 * 1024;
const spec = { id: 'x', format: 'onnx' as const, inputs: [], outputs: [] };

/** A store holding a, b, c (used in that order, a least recently) and an estimate that follows it. */
async function setup(quota: number) {
  let clock = 0;
  const store = createMemoryStore(() => ++clock);
  for (const id of ['a', 'b', 'c']) await store.write({ id, version: '1', precision: 'fp32' }, [{ url: id, sha256: '', bytes: new Uint8Array(3 * MB) }], spec);
  const estimate = async () => ({ quota, usage: (await store.list()).reduce((n, e) => n + e.bytes, 0) });
  return { store, estimate };
}

describe('makeRoom', () => {
  it('does nothing when the model fits', async () => {
    const { store, estimate } = await setup(100 * MB);
    expect(await makeRoom(store, 5 * MB, () => false, estimate)).toEqual({ evicted: [], fits: true });
  });

  it('evicts least recently used first, skipping models in use, until it fits', async () => {
    const { store, estimate } = await setup(14 * MB);
    const result = await makeRoom(store, 6 * MB, (e) => e.id === 'a', estimate);
    expect(result).toEqual({ evicted: ['b@1/fp32'], fits: true });
    expect((await store.list()).map((e) => e.id).sort()).toEqual(['a', 'c']);
  });

  it('evicts nothing for a model larger than the whole quota', async () => {
    const { store, estimate } = await setup(8 * MB);
    expect(await makeRoom(store, 9 * MB, () => false, estimate)).toEqual({ evicted: [], fits: false, hopeless: true, quota: 8 * MB });
    expect(await store.list()).toHaveLength(3);
  });

  it('reports when even evicting all that is not in use does not make room', async () => {
    const { store, estimate } = await setup(12 * MB);
    const result = await makeRoom(store, 8 * MB, (e) => e.id !== 'a', estimate);
    expect(result).toEqual({ evicted: ['a@1/fp32'], fits: false });
  });
});
