/**
 * A clip vector as the paper feeds the model: the mean over frames of every short-term feature,
 * then the population standard deviation (ddof = 0) of every one, computed in two passes as numpy does.
 */
export function clipVectorOf(shortTerm: readonly Float64Array[]): Float64Array {
  const n = shortTerm.length;
  const vector = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const { mean, std } = meanAndStd(shortTerm[i], 0, shortTerm[i].length);
    vector[i] = mean;
    vector[n + i] = std;
  }
  return vector;
}

/** Mean and population std of values[from..to); NaN for an empty range (numpy's behaviour). */
export function meanAndStd(values: ArrayLike<number>, from: number, to: number): { mean: number; std: number } {
  const count = to - from;
  if (count <= 0) return { mean: NaN, std: NaN };
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  const mean = sum / count;
  let squares = 0;
  for (let i = from; i < to; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  return { mean, std: Math.sqrt(squares / count) };
}
