// The recipe string is what the manifest and the model's metadata record: two different
// quantizations of one model must never share it.
import { describe, expect, it } from 'vitest';
import { recipeOf } from '../../tools/quantize/quantize-model.js';

describe('recipeOf', () => {
  it('static mode keeps --convs all (depthwise Convs quantized too)', () => {
    const dense = recipeOf({ mode: 'static', perChannel: true, convs: 'dense' });
    const all = recipeOf({ mode: 'static', perChannel: true, convs: 'all' });
    expect(dense).toBe('quantize --mode static --per-channel');
    expect(all).toBe('quantize --mode static --per-channel --convs all');
  });

  it('dynamic mode names any non-default Conv policy', () => {
    expect(recipeOf({ mode: 'dynamic', perChannel: true, convs: 'matmul' })).toBe('quantize --mode dynamic --per-channel --convs matmul');
    expect(recipeOf({ mode: 'dynamic', perChannel: false })).toBe('quantize --mode dynamic');
  });
});
