/** The playground's progress line: phase words, MB done of the total, and the rate over the phase so far. */
import { describe, expect, it } from 'vitest';
import { progressText } from '../../demo/playground/load-progress.js';
import { concreteDims, zeroInputs } from '../../demo/playground/any-model.js';

describe('progressText', () => {
  const download = { id: 'big', phase: 'download', loaded: 96e6, total: 256e6 } as const;

  it('gives MB done of the total and the rate since the phase began', () => {
    // 64 MB more than at the phase's start, over 2 s: 32 MB/s.
    expect(progressText(download, { at: 1000, bytes: 32e6 }, 3000)).toBe('big: downloading 96.00 / 256.00 MB · 32.0 MB/s');
  });

  it('gives no rate on a phase that has only just begun', () => {
    expect(progressText(download, { at: 1000, bytes: 96e6 }, 1000)).toBe('big: downloading 96.00 / 256.00 MB');
  });

  it('gives bytes when verifying and storing, words alone when compiling', () => {
    expect(progressText({ id: 'big', phase: 'verify', loaded: 1e6, total: 2e6 }, { at: 0, bytes: 0 }, 500)).toBe('big: verifying the stored copy 1.00 / 2.00 MB · 2.0 MB/s');
    expect(progressText({ id: 'big', phase: 'compile', loaded: 0, total: 0 }, { at: 0, bytes: 0 }, 500)).toBe('big: starting the engine');
  });
});

describe('zeroInputs', () => {
  it('takes symbolic and unknown dims as 1 and makes zeros of the spec dtype', () => {
    expect(concreteDims({ name: 'x', dtype: 'float32', dims: ['batch', 4096, '?'] })).toEqual([1, 4096, 1]);
    const feeds = zeroInputs([
      { name: 'x', dtype: 'float32', dims: ['batch', 3] },
      { name: 'ids', dtype: 'int64', dims: [2] },
    ]);
    expect(feeds.x!.dims).toEqual([1, 3]);
    expect(feeds.x!.data).toEqual(new Float32Array(3));
    expect(feeds.ids!.data).toEqual(new BigInt64Array(2));
  });
});
