/** 10 log10(sum reference^2 / sum (x - reference)^2): how far below `reference` the difference of `x` lies, in dB. */
export function signalToErrorDb(reference: ArrayLike<number>, x: ArrayLike<number>): number {
  let signal = 0;
  let error = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = x[i] - reference[i];
    signal += reference[i] * reference[i];
    error += d * d;
  }
  return 10 * Math.log10(signal / error);
}
