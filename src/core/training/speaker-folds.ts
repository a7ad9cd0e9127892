import { SeededRandom } from './seeded-random';

/**
 * Splits speakers into k groups so that no speaker is in two folds. Speakers are sorted, then
 * dealt round-robin after a seeded shuffle, so folds are balanced and repeatable.
 * Returns, per fold, the indices of the examples in its test part.
 */
export function speakerFolds(speakers: string[], k: number, seed: number): number[][] {
  const unique = [...new Set(speakers)].sort();
  if (k < 2) throw new Error(`cross-validation needs at least 2 folds (got ${k})`);
  if (unique.length < k) throw new Error(`${k}-fold cross-validation by speaker needs at least ${k} speakers (found ${unique.length})`);
  new SeededRandom(seed).shuffle(unique);
  const foldOf = new Map<string, number>();
  unique.forEach((s, i) => foldOf.set(s, i % k));
  const folds: number[][] = Array.from({ length: k }, () => []);
  speakers.forEach((s, i) => folds[foldOf.get(s)!].push(i));
  return folds;
}

/** Holds out about `share` of the speakers (at least one if share > 0 and there are 2+ speakers). */
export function holdOutSpeakers(speakers: string[], share: number, seed: number): Set<string> {
  const unique = [...new Set(speakers)].sort();
  if (share <= 0 || unique.length < 2) return new Set();
  const count = Math.min(unique.length - 1, Math.max(1, Math.round(unique.length * share)));
  return new Set(new SeededRandom(seed).shuffle(unique).slice(0, count));
}
