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
 * pyAudioAnalysis's short-term features written out as the toolkit computes them (its
 * ShortTermFeatures.py, one function per feature, same names and order of operations), frame by
 * frame with no reuse. It is the reference definition: the fast whole-clip and streaming paths
 * (frame-record.ts, window-short-term-features.ts) are tested against it and against the toolkit's
 * golden files, and the benchmark reports its speed. See README.md in this folder.
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
class FrameScratch {
  readonly fft = new RealFft400();
  readonly frame = new Float64Array(FRAME_LENGTH);
  readonly magnitude = new Float64Array(NUM_BINS);
  readonly previousMagnitude = new Float64Array(NUM_BINS);
  readonly melLog = new Float64Array(NUM_FILTERS);
  readonly chroma = new Float64Array(12);
}

/** zero_crossing_rate: sum |diff(sign(y))| / 2 / (n - 1). */
function zeroCrossingRate(y: Float64Array): number {
  let crossings = 0;
  let prevSign = Math.sign(y[0]);
  for (let i = 1; i < FRAME_LENGTH; i++) {
    const s = Math.sign(y[i]);
    crossings += Math.abs(s - prevSign);
    prevSign = s;
  }
  return crossings / 2 / (FRAME_LENGTH - 1);
}

function sumOfSquares(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] * values[i];
  return sum;
}

/** energy: mean of y^2. */
function energy(y: Float64Array): number {
  return sumOfSquares(y, 0, FRAME_LENGTH) / FRAME_LENGTH;
}

/** The entropy of the shares of `values`' energy in ENTROPY_BLOCKS equal blocks (both entropies below). */
function blockEnergyEntropy(values: Float64Array, length: number): number {
  const total = sumOfSquares(values, 0, length);
  const blockLength = length / ENTROPY_BLOCKS;
  let entropy = 0;
  for (let b = 0; b < ENTROPY_BLOCKS; b++) {
    const s = sumOfSquares(values, b * blockLength, (b + 1) * blockLength) / (total + EPS);
    entropy -= s * Math.log2(s + EPS);
  }
  return entropy;
}

/** energy_entropy: over 10 blocks of 40 samples. */
function energyEntropy(y: Float64Array): number {
  return blockEnergyEntropy(y, FRAME_LENGTH);
}

/** spectral_centroid_spread, both divided by fs / 2. */
function spectralCentroidSpread(X: Float64Array): { centroid: number; spread: number } {
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
  return { centroid: centroid / (SAMPLE_RATE / 2), spread: Math.sqrt(spreadSum / den) / (SAMPLE_RATE / 2) };
}

/** spectral_entropy: over 10 blocks of 20 bins of X^2. */
function spectralEntropy(X: Float64Array): number {
  return blockEnergyEntropy(X, NUM_BINS);
}

/** spectral_flux against the previous frame's magnitudes. */
function spectralFlux(X: Float64Array, Xp: Float64Array): number {
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
  return flux;
}

/** spectral_rolloff: the first bin (over the number of bins) where the cumulative X^2 passes `c` of the total. */
function spectralRolloff(X: Float64Array, c: number): number {
  const threshold = c * sumOfSquares(X, 0, NUM_BINS);
  let cumulative = 0;
  for (let k = 0; k < NUM_BINS; k++) {
    cumulative += X[k] * X[k];
    if (cumulative + EPS > threshold) return k / NUM_BINS;
  }
  return 0;
}

/** mfcc: the first 13 of the orthonormal DCT-II of log10 of the mel filter bank's outputs. Writes out[offset..offset+12]. */
function mfcc(X: Float64Array, melLog: Float64Array, out: Float64Array, offset: number): void {
  const bank = MFCC_FILTER_BANK;
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
    out[offset + c] = acc;
  }
}

/** chroma_features: X^2 gathered into 12 pitch classes, over the total X^2. Writes chroma[0..11]. */
function chromaVector(X: Float64Array, chroma: Float64Array): void {
  chroma.fill(0);
  const { classOfBin, divisorOfBin } = CHROMA_MAP;
  let total = 0;
  for (let k = 0; k < NUM_BINS; k++) {
    total += X[k] * X[k];
    const c = classOfBin[k];
    if (c >= 0) chroma[c] += (X[k] * X[k]) / divisorOfBin[k];
  }
  const den = total === 0 ? EPS : total;
  for (let c = 0; c < 12; c++) chroma[c] /= den;
}

/** The chroma vector's population standard deviation (the toolkit's 34th feature). */
function chromaDeviation(chroma: Float64Array): number {
  let mean = 0;
  for (let c = 0; c < 12; c++) mean += chroma[c];
  mean /= 12;
  let variance = 0;
  for (let c = 0; c < 12; c++) variance += (chroma[c] - mean) ** 2;
  return Math.sqrt(variance / 12);
}

/**
 * The 34 features of one normalised frame `y` whose |FFT|/200 is `X`, `Xp` the previous frame's
 * (the same array on the first frame: flux 0), in the toolkit's order. Writes out[offset..offset+33].
 */
function frameFeatures(y: Float64Array, X: Float64Array, Xp: Float64Array, scratch: FrameScratch, out: Float64Array, offset: number): void {
  out[offset] = zeroCrossingRate(y);
  out[offset + 1] = energy(y);
  out[offset + 2] = energyEntropy(y);
  const { centroid, spread } = spectralCentroidSpread(X);
  out[offset + 3] = centroid;
  out[offset + 4] = spread;
  out[offset + 5] = spectralEntropy(X);
  out[offset + 6] = spectralFlux(X, Xp);
  out[offset + 7] = spectralRolloff(X, 0.9);
  mfcc(X, scratch.melLog, out, offset + 8);
  chromaVector(X, scratch.chroma);
  out.set(scratch.chroma, offset + 8 + NUM_MFCC);
  out[offset + 33] = chromaDeviation(scratch.chroma);
}

/**
 * Features of the frame starting at `start` of `samples`, normalised with (mean, scale):
 * copies the frame into scratch.frame, its |FFT|/200 into scratch.magnitude, then frameFeatures.
 * `previous` is the previous frame's magnitude, or null for the first frame.
 */
function normalisedFrameFeatures(
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
