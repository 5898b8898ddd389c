import { describe, expect, it } from 'vitest';
import { checkArguments } from '../../src/client/check-arguments.js';

const good = () => ({ x: { dtype: 'float32', dims: [1, 3], data: new Float32Array(3) } });

describe('checkArguments (page side, before predict crosses to the worker)', () => {
  it('accepts named typed-array tensors', () => {
    expect(checkArguments(good(), 'm')).toBeUndefined();
  });

  it('refuses null, an array and a number as the inputs', () => {
    for (const inputs of [null, undefined, [new Float32Array(3)], 3]) {
      expect(checkArguments(inputs, 'm'), String(inputs)).toMatchObject({ code: 'BAD_INPUT', name: 'BadInputError' });
    }
    expect(checkArguments(null, 'm')?.message).toMatch(/not null/);
  });

  it('names the input whose data is a plain array', () => {
    const error = checkArguments({ x: { dtype: 'float32', dims: [1, 3], data: [1, 2, 3] } }, 'm');
    expect(error).toMatchObject({ code: 'BAD_INPUT', details: { input: 'x' } });
    expect(error?.message).toMatch(/input "x" .*plain Array/);
  });

  it('names an input whose buffer was already transferred', () => {
    const inputs = good();
    structuredClone(inputs.x.data.buffer, { transfer: [inputs.x.data.buffer] });
    expect(checkArguments(inputs, 'm')?.message).toMatch(/input "x" .*already transferred \(detached\)/);
  });
});
