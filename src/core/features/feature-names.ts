/** The 34 short-term features of pyAudioAnalysis, in its order. */
export const PAPER_FEATURE_NAMES: readonly string[] = Object.freeze([
  'zcr',
  'energy',
  'energy_entropy',
  'spectral_centroid',
  'spectral_spread',
  'spectral_entropy',
  'spectral_flux',
  'spectral_rolloff',
  ...Array.from({ length: 13 }, (_, i) => `mfcc_${i + 1}`),
  ...Array.from({ length: 12 }, (_, i) => `chroma_${i + 1}`),
  'chroma_std',
]);

export const PAPER_FEATURE_COUNT = 34;

/** Names of a clip vector: `NAME_mean` for every short-term feature, then `NAME_std`. */
export function clipVectorNames(shortTermNames: readonly string[]): string[] {
  return [...shortTermNames.map((n) => `${n}_mean`), ...shortTermNames.map((n) => `${n}_std`)];
}
