import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { checkInputs } from '../../src/host/input-check.js';
import type { TensorSpec } from '../../src/manifest/schema.js';

const silero: TensorSpec[] = [
  { name: 'input', dtype: 'float32', dims: ['batch', 'samples'] },
  { name: 'state', dtype: 'float32', dims: [2, 'batch', 128] },
  { name: 'sr', dtype: 'int64', dims: [] },
];
const good = () => ({
  input: { dtype: 'float32' as const, dims: [1, 512], data: new Float32Array(512) },
  state: { dtype: 'float32' as const, dims: [2, 1, 128], data: new Float32Array(256) },
  sr: { dtype: 'int64' as const, dims: [], data: new BigInt64Array([16000n]) },
});

describe('checkInputs', () => {
  it('accepts inputs that match, scalars included', () => {
    expect(() => checkInputs(silero, good())).not.toThrow();
  });

  const bad: [string, (i: ReturnType<typeof good>) => unknown, RegExp][] = [
    ['an unknown name', (i) => ({ ...i, extra: i.sr }), /unknown input "extra"/],
    ['a missing input', ({ sr: _sr, ...rest }) => rest, /missing input "sr"/],
    ['a wrong dtype', (i) => ({ ...i, sr: { dtype: 'int32', dims: [], data: new Int32Array(1) } }), /must be int64/],
    ['data of another type', (i) => ({ ...i, sr: { dtype: 'int64', dims: [], data: new Int32Array(1) } }), /BigInt64Array/],
    ['a wrong rank', (i) => ({ ...i, state: { ...i.state, dims: [2, 128] } }), /rank 3/],
    ['a wrong fixed dim', (i) => ({ ...i, state: { ...i.state, dims: [2, 1, 64], data: new Float32Array(128) } }), /axis 2 is 64, not 128/],
    ['a symbol bound twice', (i) => ({ ...i, state: { ...i.state, dims: [2, 2, 128], data: new Float32Array(512) } }), /"batch" is 1 in input "input" but 2/],
    ['a length that does not fit the dims', (i) => ({ ...i, input: { ...i.input, data: new Float32Array(10) } }), /10 values/],
    ['a zero-sized axis', (i) => ({ ...i, input: { ...i.input, dims: [1, 0], data: new Float32Array(0) } }), /positive integer/],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses ${what}`, () => {
      const attempt = () => checkInputs(silero, make(good()) as never);
      expect(attempt).toThrow(BadInputError);
      expect(attempt).toThrow(message);
    });
  }
});
