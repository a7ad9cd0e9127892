/** Per-feature mean and standard deviation, fitted on training vectors and saved with the model. */
export interface Standardisation {
  mean: number[];
  std: number[];
}

/** Below this a feature is treated as constant (its z-score is 0, not a division by ~0). */
const MIN_STD = 1e-8;

export function fitStandardisation(vectors: ArrayLike<number>[]): Standardisation {
  if (vectors.length === 0) throw new Error('cannot fit a standardisation on no vectors');
  const length = vectors[0].length;
  const mean = new Array<number>(length).fill(0);
  const std = new Array<number>(length).fill(0);
  for (const v of vectors) for (let i = 0; i < length; i++) mean[i] += v[i];
  for (let i = 0; i < length; i++) mean[i] /= vectors.length;
  for (const v of vectors) for (let i = 0; i < length; i++) std[i] += (v[i] - mean[i]) ** 2;
  for (let i = 0; i < length; i++) std[i] = Math.sqrt(std[i] / vectors.length);
  return { mean, std };
}

export function standardise(vector: ArrayLike<number>, stats: Standardisation, out?: Float32Array): Float32Array {
  const result = out ?? new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const s = stats.std[i];
    result[i] = s > MIN_STD ? (vector[i] - stats.mean[i]) / s : 0;
  }
  return result;
}
