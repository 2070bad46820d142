/**
 * Suggestions for a misspelt name: the config field or value the person most likely meant.
 */

/** Lower case without `_`, `-` and spaces, so `api_key`, `API-Key` and `apikey` compare equal. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Edit distance counting a swap of two neighbours as one edit (`modles` → `models` is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `input` most likely stands for: the same name in another case or spelling
 * (`apikey`, `api_key` → `apiKey`), else the closest one within a small number of typos.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const f = fold(input);
  if (f === '') return undefined;
  const same = candidates.find((c) => fold(c) === f);
  if (same !== undefined) return same;
  // Two letters are too few to guess from; short names tolerate one typo, longer ones more.
  if (f.length <= 2) return undefined;
  const limit = f.length <= 4 ? 1 : f.length <= 12 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const distance = editDistance(f, fold(c));
    if (distance <= limit && distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}
