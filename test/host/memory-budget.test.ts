import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/errors.js';
import { checkMemory, defaultMemoryBudget } from '../../src/host/memory-budget.js';
import type { TensorMap } from '../../src/protocol.js';

const line = (width: number): TensorMap => ({ x: { dtype: 'float32', dims: [1, 3, 48, width], data: new Float32Array(3 * 48 * width) } });

describe('checkMemory', () => {
  it('lets an ordinary text line through and refuses one whose run would exceed the budget', () => {
    expect(() => checkMemory(line(320), undefined)).not.toThrow();
    // 3 × 48 × 200 000 floats is 115 MB of input: 32× that is far over 1 GiB.
    const error = (() => {
      try {
        checkMemory(line(200_000), undefined);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).details).toMatchObject({ inputBytes: 115_200_000, estimatedBytes: 115_200_000 * 32, budgetBytes: defaultMemoryBudget.maxBytes });
    expect((error as BadInputError).message).toMatch(/memory budget/);
  });

  it('takes the budget and factor from the options, and can be turned off', () => {
    expect(() => checkMemory(line(320), { maxBytes: 1_000_000 })).toThrow(BadInputError);
    expect(() => checkMemory(line(320), { maxBytes: 1_000_000, bytesPerInputByte: 1 })).not.toThrow();
    expect(() => checkMemory(line(200_000), false)).not.toThrow();
  });
});
