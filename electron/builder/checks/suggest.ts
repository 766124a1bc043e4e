/**
 * "did you mean X?" for an undefined name: the first candidate at the smallest edit distance
 * below 3, case-sensitively (BuildKit's util/suggest on Linux).
 */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  let match: string | undefined;
  let best = 3;
  for (const candidate of candidates) {
    if (candidate === name) return undefined;
    const distance = levenshtein(name, candidate);
    if (distance < best) {
      match = candidate;
      best = distance;
    }
  }
  return match;
}

/** Insertions, deletions and substitutions, each costing one. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
