import { CHROMA_MAP as CHROMA_MAP_IMPORTED } from './chroma-map';
import { MFCC_DCT as MFCC_DCT_IMPORTED, MFCC_FILTER_BANK as MFCC_FILTER_BANK_IMPORTED } from './mfcc-filter-bank';
import { ENTROPY_BLOCKS as ENTROPY_BLOCKS_IMPORTED, FRAME_LENGTH as FRAME_LENGTH_IMPORTED, NUM_BINS as NUM_BINS_IMPORTED, NUM_FILTERS as NUM_FILTERS_IMPORTED, NUM_MFCC as NUM_MFCC_IMPORTED } from './pyaudioanalysis-constants';
import { RealFft400 } from './real-fft-400';
// Imported bindings are read through getters when TypeScript runs via tsx/esbuild (and as
// property loads under tsc): copied into module constants because they sit in per-sample loops.
const CHROMA_MAP = CHROMA_MAP_IMPORTED;
const MFCC_DCT = MFCC_DCT_IMPORTED;
const MFCC_FILTER_BANK = MFCC_FILTER_BANK_IMPORTED;
const ENTROPY_BLOCKS = ENTROPY_BLOCKS_IMPORTED;
const FRAME_LENGTH = FRAME_LENGTH_IMPORTED;
const NUM_BINS = NUM_BINS_IMPORTED;
const NUM_FILTERS = NUM_FILTERS_IMPORTED;
const NUM_MFCC = NUM_MFCC_IMPORTED;

/**
 * What one 400-sample frame contributes to the toolkit's features in every window (clip) it lies
 * in, computed once from the raw samples r and reused across overlapping windows.
 *
 * A window normalises y = (r - m) / s with its own mean m and scale s. Its FFT is
 * (FFT(r) - 400 m δ_k0) / s: only bin 0 depends on m, and s only rescales. So the record keeps
 * sums over bins 1..199 of A_k = |FFT(r)_k| (centroid moments, entropy blocks, chroma classes,
 * the cross term of the flux with the previous frame, log filter-bank outputs and their DCT) and
 * per 40-sample block the mean and centred energy (so energy, energy entropy and bin 0
 * A_0 = 400 |mean(r) - m| follow for any m). The toolkit's eps terms do not scale; they are
 * carried exactly where they matter, and where a shortcut would not be exact (a log of a
 * filter output near eps, a zero-crossing pattern that m changes, a rolloff bin that moves far)
 * the window code recomputes from the samples or stored values.
 */
export const REC = {
  zcr: 0,
  /** the zero-crossing rate stays valid for means in (zcrLow, zcrHigh) or equal to zcrMean */
  zcrLow: 1,
  zcrHigh: 2,
  zcrMean: 3,
  blockMean: 4, // 10 values
  blockCentredEnergy: 14, // 10 values
  frameMean: 24,
  frameCentredEnergy: 25,
  sumA: 26,
  sumIndA: 27,
  sumInd2A: 28,
  maxA: 29,
  /** sum of A_k^2 over bins 1..19 (spectral-entropy block 0 without bin 0) */
  entropyBlock0: 30,
  /** sum of A_k^2 over bins 20..199 */
  entropyUpper: 31,
  /** sum over blocks 1..9 of b log2 b, b = block sum of A_k^2 */
  entropyUpperBLogB: 32,
  /** sum over bins 1..199 of A_k times the previous frame's A_k; NaN when there is none */
  fluxCross: 33,
  /** first k >= 1 with cumulative A^2 over bins 1..k > 0.9 * total (the rolloff with A_0 = 0) */
  rolloffBin: 34,
  /** cumulative A^2 over bins 1..k for k = rolloffBin-8 .. rolloffBin-1 (-Infinity below bin 0) */
  rolloffBand: 35, // 8 values
  minFilter: 43,
  /** DCT of log10 of the filter-bank outputs G (in A units) */
  logMelDct: 44, // 13 values
  filterOutputs: 57, // 40 values
  chroma: 97, // 12 values, bins 1..199, before dividing by the total
  /** sum of A_k^2 over the speech band, for voice activity */
  speechBandEnergy: 109,
  /** DCT of 1 / G: the first-order change of the MFCCs when eps is added to small filter outputs */
  inverseMelDct: 110, // 13 values
  /** a second cached zero-crossing rate (window means often alternate around a sample value) */
  zcr2: 123,
  zcrLow2: 124,
  zcrHigh2: 125,
  zcrMean2: 126,
  /** cumulative A^2 over bins 1..k for k = 0 .. ROLLOFF_LOW-1 (where a large bin 0 moves the rolloff) */
  rolloffLow: 127, // 24 values
  length: 151,
} as const;

export const ROLLOFF_BAND = 8;
export const ROLLOFF_LOW = 24;
/** bins 250 Hz .. 4 kHz: where speech energy lies, not mains hum or hiss */
const SPEECH_BAND_FIRST_BIN = Math.ceil(250 / 40);
const SPEECH_BAND_LAST_BIN = 4000 / 40;

const BIN_INDEX_HZ = (() => {
  const ind = new Float64Array(NUM_BINS);
  for (let k = 0; k < NUM_BINS; k++) ind[k] = (k + 1) * 40;
  return ind;
})();
export { BIN_INDEX_HZ };

/** Scratch for frame analysis; one per thread of work. */
export class FrameAnalyser {
  private readonly fft = new RealFft400();
  private readonly re = new Float64Array(NUM_BINS);
  private readonly im = new Float64Array(NUM_BINS);
  /** A_k of the last analysed frame, for the next frame's flux cross term */
  readonly lastMagnitude = new Float64Array(NUM_BINS);
  private readonly magnitude = new Float64Array(NUM_BINS);
  private readonly power = new Float64Array(NUM_BINS);
  private readonly logMel = new Float64Array(NUM_FILTERS);
  private readonly inverseMel = new Float64Array(NUM_FILTERS);
  private hasLast = false;

  /** Forget the previous frame (the next frame starts a new run). */
  resetRun(): void {
    this.hasLast = false;
  }

  /**
   * Analyse the frame samples[start .. start+400) into rec[offset .. offset+REC.length).
   * The previous call's frame is taken as this frame's predecessor unless resetRun() was called.
   */
  analyse(samples: ArrayLike<number>, start: number, rec: Float64Array, offset: number): void {
    // per-block means and centred energies
    let frameSum = 0;
    for (let b = 0; b < ENTROPY_BLOCKS; b++) {
      const from = start + b * 40;
      let sum = 0;
      for (let i = 0; i < 40; i++) sum += samples[from + i];
      const mean = sum / 40;
      let centred = 0;
      for (let i = 0; i < 40; i++) {
        const d = samples[from + i] - mean;
        centred += d * d;
      }
      rec[offset + REC.blockMean + b] = mean;
      rec[offset + REC.blockCentredEnergy + b] = centred;
      frameSum += sum;
    }
    const frameMean = frameSum / FRAME_LENGTH;
    let frameCentred = 0;
    for (let b = 0; b < ENTROPY_BLOCKS; b++) {
      const d = rec[offset + REC.blockMean + b] - frameMean;
      frameCentred += rec[offset + REC.blockCentredEnergy + b] + 40 * d * d;
    }
    rec[offset + REC.frameMean] = frameMean;
    rec[offset + REC.frameCentredEnergy] = frameCentred;
    rec[offset + REC.zcrMean] = NaN;
    rec[offset + REC.zcrLow] = 0;
    rec[offset + REC.zcrHigh] = 0;
    rec[offset + REC.zcrMean2] = NaN;
    rec[offset + REC.zcrLow2] = 0;
    rec[offset + REC.zcrHigh2] = 0;

    // spectrum of the raw frame
    const re = this.re;
    const im = this.im;
    const A = this.magnitude;
    this.fft.transform(samples, start, re, im);
    A[0] = 0;
    let sumA = 0;
    let sumIndA = 0;
    let sumInd2A = 0;
    let maxA = 0;
    let cross = 0;
    const last = this.lastMagnitude;
    for (let k = 1; k < NUM_BINS; k++) {
      const a = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
      A[k] = a;
      const ind = BIN_INDEX_HZ[k];
      sumA += a;
      sumIndA += ind * a;
      sumInd2A += ind * ind * a;
      if (a > maxA) maxA = a;
      cross += a * last[k];
    }
    rec[offset + REC.sumA] = sumA;
    rec[offset + REC.sumIndA] = sumIndA;
    rec[offset + REC.sumInd2A] = sumInd2A;
    rec[offset + REC.maxA] = maxA;
    rec[offset + REC.fluxCross] = this.hasLast ? cross : NaN;

    // spectral entropy blocks, rolloff band, chroma, speech band, from A^2
    const { classOfBin, divisorOfBin } = CHROMA_MAP;
    for (let c = 0; c < 12; c++) rec[offset + REC.chroma + c] = 0;
    let block0 = 0;
    let upper = 0;
    let upperBLogB = 0;
    let speechBand = 0;
    const power = this.power;
    for (let k = 1; k < NUM_BINS; k++) power[k] = A[k] * A[k];
    for (let b = 0; b < ENTROPY_BLOCKS; b++) {
      let blockSum = 0;
      for (let k = b === 0 ? 1 : b * 20; k < (b + 1) * 20; k++) blockSum += power[k];
      if (b === 0) block0 = blockSum;
      else {
        upper += blockSum;
        if (blockSum > 0) upperBLogB += blockSum * Math.log2(blockSum);
      }
    }
    for (let k = 1; k < NUM_BINS; k++) {
      const c = classOfBin[k];
      if (c >= 0) rec[offset + REC.chroma + c] += power[k] / divisorOfBin[k];
    }
    for (let k = SPEECH_BAND_FIRST_BIN; k <= SPEECH_BAND_LAST_BIN; k++) speechBand += power[k];
    rec[offset + REC.entropyBlock0] = block0;
    rec[offset + REC.entropyUpper] = upper;
    rec[offset + REC.entropyUpperBLogB] = upperBLogB;
    rec[offset + REC.speechBandEnergy] = speechBand;

    // rolloff with A_0 = 0 and no eps: the largest bin any window can give; keep the 8 cumulative
    // sums below it so that a window's bin-0 energy can move the answer down without recomputing
    const target = 0.9 * (block0 + upper);
    let cumulative = 0;
    let rolloffBin = NUM_BINS - 1;
    for (let k = 1; k < NUM_BINS; k++) {
      cumulative += A[k] * A[k];
      if (cumulative > target) {
        rolloffBin = k;
        break;
      }
    }
    rec[offset + REC.rolloffBin] = rolloffBin;
    let low = 0;
    for (let k = 0; k < ROLLOFF_LOW; k++) {
      if (k >= 1) low += A[k] * A[k];
      rec[offset + REC.rolloffLow + k] = low;
    }
    let running = 0;
    const firstBand = rolloffBin - ROLLOFF_BAND;
    for (let k = 1; k < firstBand; k++) running += A[k] * A[k];
    for (let j = 0; j < ROLLOFF_BAND; j++) {
      const k = firstBand + j;
      if (k < 0) rec[offset + REC.rolloffBand + j] = -Infinity;
      else {
        if (k >= 1) running += A[k] * A[k];
        rec[offset + REC.rolloffBand + j] = running;
      }
    }

    // MFCC: filter outputs in A units and the DCT of their log10
    const bank = MFCC_FILTER_BANK;
    let minFilter = Infinity;
    for (let i = 0; i < NUM_FILTERS; i++) {
      const w = bank.weights[i];
      const first = bank.start[i];
      let acc = 0;
      for (let j = 0; j < w.length; j++) acc += w[j] * A[first + j];
      rec[offset + REC.filterOutputs + i] = acc;
      if (acc < minFilter) minFilter = acc;
    }
    rec[offset + REC.minFilter] = minFilter;
    if (minFilter > 0) {
      const logMel = this.logMel;
      for (let i = 0; i < NUM_FILTERS; i++) logMel[i] = Math.log10(rec[offset + REC.filterOutputs + i]);
      const inverse = this.inverseMel;
      for (let i = 0; i < NUM_FILTERS; i++) inverse[i] = 1 / rec[offset + REC.filterOutputs + i];
      for (let c = 0; c < NUM_MFCC; c++) {
        let acc = 0;
        let accInverse = 0;
        const row = c * NUM_FILTERS;
        for (let i = 0; i < NUM_FILTERS; i++) {
          acc += MFCC_DCT[row + i] * logMel[i];
          accInverse += MFCC_DCT[row + i] * inverse[i];
        }
        rec[offset + REC.logMelDct + c] = acc;
        rec[offset + REC.inverseMelDct + c] = accInverse;
      }
    }

    last.set(A);
    this.hasLast = true;
  }
}
