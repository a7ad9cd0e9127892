import { PAPER_FEATURE_NAMES } from './feature-names';

const MFCC = PAPER_FEATURE_NAMES.filter((n) => n.startsWith('mfcc_'));
const CHROMA = PAPER_FEATURE_NAMES.filter((n) => n.startsWith('chroma_') && n !== 'chroma_std');
const SPECTRAL = PAPER_FEATURE_NAMES.filter((n) => n.startsWith('spectral_'));
const means = (names: readonly string[]) => names.map((n) => `${n}_mean`);
const stds = (names: readonly string[]) => names.map((n) => `${n}_std`);

/** Named groups of clip-vector entries that can be dropped together (`--drop-features mfcc-means,energy`). */
export const FEATURE_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'mfcc-means': means(MFCC),
  'mfcc-stds': stds(MFCC),
  'chroma-means': means(CHROMA),
  'chroma-stds': stds(CHROMA),
  'spectral-means': means(SPECTRAL),
  'spectral-stds': stds(SPECTRAL),
  energy: ['energy_mean', 'energy_std'],
});

/**
 * The clip-vector entries (of `vectorNames`, in their order) that `spec` names: each item a group of FEATURE_GROUPS,
 * a vector entry (`energy_mean`), or a short-term feature (`mfcc_1`: its mean and its std). Throws on an unknown item.
 */
export function droppedFeatureNames(spec: readonly string[], vectorNames: readonly string[]): string[] {
  const wanted = new Set<string>();
  for (const raw of spec) {
    const item = raw.trim();
    const names =
      FEATURE_GROUPS[item] ??
      (vectorNames.includes(item) ? [item] : [`${item}_mean`, `${item}_std`].filter((n) => vectorNames.includes(n)));
    if (names.length === 0 || names.some((n) => !vectorNames.includes(n))) {
      throw new Error(
        `unknown feature to drop "${item}": name a group (${Object.keys(FEATURE_GROUPS).join(', ')}), ` +
          'a short-term feature (e.g. mfcc_1) or a vector entry (e.g. energy_mean)',
      );
    }
    names.forEach((n) => wanted.add(n));
  }
  return vectorNames.filter((n) => wanted.has(n));
}

/** Positions of `names` in `vectorNames`; throws on a name the vector does not have. */
export function droppedFeatureIndices(names: readonly string[], vectorNames: readonly string[]): number[] {
  return names.map((name) => {
    const index = vectorNames.indexOf(name);
    if (index < 0) throw new Error(`dropped feature "${name}" is not an entry of the model's feature vector`);
    return index;
  });
}

/** Sets the entries at `indices` of every row of a row-major matrix (`width` values a row) to 0. */
export function zeroDroppedInputs(matrix: Float32Array, width: number, indices: readonly number[]): void {
  if (indices.length === 0) return;
  for (let start = 0; start < matrix.length; start += width) for (const j of indices) matrix[start + j] = 0;
}
