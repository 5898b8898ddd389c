/** Character error rate: Levenshtein distance over the reference length (0 = read exactly). */
function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

export function cer(read: string, truth: string): number {
  return truth.length === 0 ? (read.length === 0 ? 0 : 1) : levenshtein(read, truth) / truth.length;
}
