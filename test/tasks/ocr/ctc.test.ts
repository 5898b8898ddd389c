import { describe, expect, it } from 'vitest';
import { ctcDecode, ctcDecodeWithScore } from '../../../src/tasks/ocr/ctc.js';

describe('ctcDecodeWithScore', () => {
  it('merges repeats, drops blanks and averages the kept characters’ probabilities', () => {
    const labels = ['', 'a', 'b'];
    // steps: a a blank a b → "aab"
    const rows = [
      [0.1, 0.8, 0.1],
      [0.1, 0.6, 0.3],
      [0.9, 0.05, 0.05],
      [0.2, 0.7, 0.1],
      [0.1, 0.1, 0.8],
    ];
    const probs = new Float32Array(rows.flat());
    const { text, score } = ctcDecodeWithScore(probs, [1, 5, 3], labels);
    expect(text).toBe('aab');
    expect(score).toBeCloseTo((0.8 + 0.7 + 0.8) / 3, 5);
    expect(ctcDecode(probs, [1, 5, 3], labels)).toBe(text);
  });
});
