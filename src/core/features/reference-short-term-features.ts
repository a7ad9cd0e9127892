import { CHROMA_MAP } from './chroma-map';
import { MFCC_DCT, MFCC_FILTER_BANK } from './mfcc-filter-bank';
import {
  ENTROPY_BLOCKS,
  EPS,
  FRAME_LENGTH,
  FRAME_STEP,
  NUM_BINS,
  NUM_FILTERS,
  NUM_MFCC,
  PEAK_FLOOR,
  SAMPLE_RATE,
  frameCount,
} from './pyaudioanalysis-constants';
import { PAPER_FEATURE_COUNT } from './feature-names';
import { RealFft400 } from './real-fft-400';

/**
 * pyAudioAnalysis's short-term features written out as the toolkit computes them, frame by
 * frame, with no reuse. It is the definition the fast and streaming paths are tested against,
 * and their fallback for frames where a shortcut would not be exact enough.
 */

/** Whole-signal normalisation: x - mean, divided by (max|x - mean| + 1e-10). */
export function normalisationOf(samples: ArrayLike<number>, from = 0, to = samples.length): { mean: number; scale: number } {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i];
  const mean = to > from ? sum / (to - from) : 0;
  let peak = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(samples[i] - mean);
    if (a > peak) peak = a;
  }
  return { mean, scale: peak + PEAK_FLOOR };
}

/** Scratch buffers for computing one frame; reuse one per thread of work. */
export class FrameScratch {
  readonly fft = new RealFft400();
  readonly frame = new Float64Array(FRAME_LENGTH);
  readonly magnitude = new Float64Array(NUM_BINS);
  readonly previousMagnitude = new Float64Array(NUM_BINS);
  readonly melLog = new Float64Array(NUM_FILTERS);
  readonly chroma = new Float64Array(12);
}

/**
 * The 34 features of one normalised frame `y` whose |FFT|/200 is `X`, `Xp` the previous frame's
 * (the same array on the first frame: flux 0). Writes out[0..33].
 */
export function frameFeatures(
  y: Float64Array,
  X: Float64Array,
  Xp: Float64Array,
  scratch: FrameScratch,
  out: Float64Array,
  outOffset = 0,
): void {
  // zero-crossing rate: sum |diff(sign)| / 2 / (n - 1)
  let crossings = 0;
  let prevSign = Math.sign(y[0]);
  for (let i = 1; i < FRAME_LENGTH; i++) {
    const s = Math.sign(y[i]);
    crossings += Math.abs(s - prevSign);
    prevSign = s;
  }
  out[outOffset] = crossings / 2 / (FRAME_LENGTH - 1);

  // energy and energy entropy
  const blockLength = FRAME_LENGTH / ENTROPY_BLOCKS;
  let frameEnergy = 0;
  for (let i = 0; i < FRAME_LENGTH; i++) frameEnergy += y[i] * y[i];
  out[outOffset + 1] = frameEnergy / FRAME_LENGTH;
  let entropy = 0;
  for (let b = 0; b < ENTROPY_BLOCKS; b++) {
    let e = 0;
    for (let i = b * blockLength; i < (b + 1) * blockLength; i++) e += y[i] * y[i];
    const s = e / (frameEnergy + EPS);
    entropy -= s * Math.log2(s + EPS);
  }
  out[outOffset + 2] = entropy;

  // spectral centroid and spread
  let maxX = 0;
  for (let k = 0; k < NUM_BINS; k++) if (X[k] > maxX) maxX = X[k];
  const norm = maxX === 0 ? EPS : maxX;
  const binHz = SAMPLE_RATE / (2 * NUM_BINS);
  let num = 0;
  let den = 0;
  for (let k = 0; k < NUM_BINS; k++) {
    const xt = X[k] / norm;
    num += (k + 1) * binHz * xt;
    den += xt;
  }
  den += EPS;
  const centroid = num / den;
  let spreadSum = 0;
  for (let k = 0; k < NUM_BINS; k++) {
    const d = (k + 1) * binHz - centroid;
    spreadSum += d * d * (X[k] / norm);
  }
  out[outOffset + 3] = centroid / (SAMPLE_RATE / 2);
  out[outOffset + 4] = Math.sqrt(spreadSum / den) / (SAMPLE_RATE / 2);

  // spectral entropy over 10 blocks of 20 bins of X^2
  let total = 0;
  for (let k = 0; k < NUM_BINS; k++) total += X[k] * X[k];
  const binsPerBlock = NUM_BINS / ENTROPY_BLOCKS;
  entropy = 0;
  for (let b = 0; b < ENTROPY_BLOCKS; b++) {
    let e = 0;
    for (let k = b * binsPerBlock; k < (b + 1) * binsPerBlock; k++) e += X[k] * X[k];
    const s = e / (total + EPS);
    entropy -= s * Math.log2(s + EPS);
  }
  out[outOffset + 5] = entropy;

  // spectral flux
  let sum = 0;
  let prevSum = 0;
  for (let k = 0; k < NUM_BINS; k++) {
    sum += X[k] + EPS;
    prevSum += Xp[k] + EPS;
  }
  let flux = 0;
  for (let k = 0; k < NUM_BINS; k++) {
    const d = X[k] / sum - Xp[k] / prevSum;
    flux += d * d;
  }
  out[outOffset + 6] = flux;

  // spectral rolloff at 0.90
  const threshold = 0.9 * total;
  let cumulative = 0;
  let rolloff = 0;
  for (let k = 0; k < NUM_BINS; k++) {
    cumulative += X[k] * X[k];
    if (cumulative + EPS > threshold) {
      rolloff = k / NUM_BINS;
      break;
    }
  }
  out[outOffset + 7] = rolloff;

  // MFCC
  const bank = MFCC_FILTER_BANK;
  const melLog = scratch.melLog;
  for (let i = 0; i < NUM_FILTERS; i++) {
    const w = bank.weights[i];
    const first = bank.start[i];
    let acc = 0;
    for (let j = 0; j < w.length; j++) acc += w[j] * X[first + j];
    melLog[i] = Math.log10(acc + EPS);
  }
  for (let c = 0; c < NUM_MFCC; c++) {
    let acc = 0;
    for (let i = 0; i < NUM_FILTERS; i++) acc += MFCC_DCT[c * NUM_FILTERS + i] * melLog[i];
    out[outOffset + 8 + c] = acc;
  }

  // chroma
  const chroma = scratch.chroma;
  chroma.fill(0);
  const { classOfBin, divisorOfBin } = CHROMA_MAP;
  for (let k = 0; k < NUM_BINS; k++) {
    const c = classOfBin[k];
    if (c >= 0) chroma[c] += (X[k] * X[k]) / divisorOfBin[k];
  }
  const chromaDen = total === 0 ? EPS : total;
  let chromaMean = 0;
  for (let c = 0; c < 12; c++) {
    chroma[c] /= chromaDen;
    chromaMean += chroma[c];
    out[outOffset + 21 + c] = chroma[c];
  }
  chromaMean /= 12;
  let chromaVar = 0;
  for (let c = 0; c < 12; c++) chromaVar += (chroma[c] - chromaMean) ** 2;
  out[outOffset + 33] = Math.sqrt(chromaVar / 12);
}

/**
 * Features of the frame starting at `start` of `samples`, normalised with (mean, scale):
 * copies the frame into scratch.frame, its |FFT|/200 into scratch.magnitude, then frameFeatures.
 * `previous` is the previous frame's magnitude, or null for the first frame.
 */
export function normalisedFrameFeatures(
  samples: ArrayLike<number>,
  start: number,
  mean: number,
  scale: number,
  previous: Float64Array | null,
  scratch: FrameScratch,
  out: Float64Array,
  outOffset = 0,
): void {
  const y = scratch.frame;
  for (let i = 0; i < FRAME_LENGTH; i++) y[i] = (samples[start + i] - mean) / scale;
  const X = scratch.magnitude;
  scratch.fft.magnitudes(y, 0, X);
  for (let k = 0; k < NUM_BINS; k++) X[k] /= NUM_BINS;
  frameFeatures(y, X, previous ?? X, scratch, out, outOffset);
}

/**
 * The toolkit's `feature_extraction(signal, 16000, 400, 160)` on `samples` (16 kHz mono in
 * [-1, 1], i.e. int16 / 32768): 34 arrays, one per feature, over frames.
 */
export function referenceShortTermFeatures(samples: ArrayLike<number>): Float64Array[] {
  const numFrames = frameCount(samples.length);
  const features = Array.from({ length: PAPER_FEATURE_COUNT }, () => new Float64Array(numFrames));
  const { mean, scale } = normalisationOf(samples);
  const scratch = new FrameScratch();
  const row = new Float64Array(PAPER_FEATURE_COUNT);
  for (let f = 0; f < numFrames; f++) {
    normalisedFrameFeatures(samples, f * FRAME_STEP, mean, scale, f === 0 ? null : scratch.previousMagnitude, scratch, row);
    scratch.previousMagnitude.set(scratch.magnitude);
    for (let i = 0; i < PAPER_FEATURE_COUNT; i++) features[i][f] = row[i];
  }
  return features;
}
