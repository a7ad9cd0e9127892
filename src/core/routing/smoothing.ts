import { SmoothingMethod } from './router-config';

/** Smoothed view of the last N windows of one stream. */
export interface SmoothedScores {
  /** Mean probability per label over the windows (label order of the mode). */
  probabilities: number[];
  /** Index of the label the smoothing picks. */
  top: number;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Smooths the probability vectors of the most recent windows (oldest first, at least one).
 * 'mean' picks the label with the highest mean probability; 'majority' picks the label that
 * was the top label in most windows, ties going to the higher mean probability. In both cases
 * the reported probabilities are the means, so the confidence of the picked label stays
 * comparable with the thresholds.
 */
export function smoothScores(windows: readonly (readonly number[])[], method: SmoothingMethod): SmoothedScores {
  if (windows.length === 0) throw new RangeError('smoothScores needs at least one window');
  const labelCount = windows[0].length;
  const probabilities = new Array<number>(labelCount).fill(0);
  const votes = new Array<number>(labelCount).fill(0);
  for (const window of windows) {
    for (let i = 0; i < labelCount; i++) probabilities[i] += window[i];
    votes[argmax(window)]++;
  }
  for (let i = 0; i < labelCount; i++) probabilities[i] /= windows.length;
  if (method === 'mean') return { probabilities, top: argmax(probabilities) };
  let top = 0;
  for (let i = 1; i < labelCount; i++) {
    if (votes[i] > votes[top] || (votes[i] === votes[top] && probabilities[i] > probabilities[top])) top = i;
  }
  return { probabilities, top };
}
