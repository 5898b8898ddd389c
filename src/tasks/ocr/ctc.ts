/** Greedy CTC decoding of PP-OCR rec output [1, steps, classes]: best class a step, merge repeats, drop blanks (class 0). */
export function ctcDecode(probs: Float32Array, dims: number[], labels: string[]): string {
  return ctcDecodeWithScore(probs, dims, labels).text;
}

/** Greedy CTC decoding that also reports the mean probability of the kept characters (PaddleOCR's line score). */
export function ctcDecodeWithScore(probs: Float32Array, dims: number[], labels: string[]): { text: string; score: number } {
  const steps = dims[1]!;
  const classes = dims[2]!;
  let text = '';
  let previous = -1;
  let sum = 0;
  let kept = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[t * classes + c]! > probs[t * classes + best]!) best = c;
    if (best !== 0 && best !== previous) {
      text += labels[best] ?? '';
      sum += probs[t * classes + best]!;
      kept++;
    }
    previous = best;
  }
  return { text, score: kept ? sum / kept : 0 };
}
