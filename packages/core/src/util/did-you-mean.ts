/** Edit distance where insert, delete, substitute and swapping two neighbours each cost 1 (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      // Typing two letters the wrong way round is one slip, not two.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `given` when it is close enough to be a typo: case-insensitive
 * distance at most a third of the longer word (min 1, max 3), or one is a prefix of the other.
 *
 * @example
 * ```ts
 * didYouMean('epoch', ['epochs', 'seed']); // 'epochs'
 * didYouMean('zzz', ['epochs']);           // undefined
 * ```
 */
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const d = editDistance(g, lc);
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(g.length, lc.length) / 3)));
    const prefix = g.length >= 3 && (lc.startsWith(g) || g.startsWith(lc));
    const score = d <= limit ? d : prefix ? limit + 0.5 : Number.POSITIVE_INFINITY;
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}
