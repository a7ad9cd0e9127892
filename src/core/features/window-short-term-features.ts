import { BIN_INDEX_HZ as BIN_INDEX_HZ_IMPORTED, REC as REC_IMPORTED, ROLLOFF_BAND as ROLLOFF_BAND_IMPORTED, ROLLOFF_LOW as ROLLOFF_LOW_IMPORTED } from './frame-record';
import { MFCC_DCT as MFCC_DCT_IMPORTED } from './mfcc-filter-bank';
import { CHROMA_MAP as CHROMA_MAP_IMPORTED } from './chroma-map';
import { ENTROPY_BLOCKS as ENTROPY_BLOCKS_IMPORTED, EPS as EPS_IMPORTED, FRAME_LENGTH as FRAME_LENGTH_IMPORTED, NUM_BINS as NUM_BINS_IMPORTED, NUM_FILTERS as NUM_FILTERS_IMPORTED, NUM_MFCC as NUM_MFCC_IMPORTED, SAMPLE_RATE as SAMPLE_RATE_IMPORTED } from './pyaudioanalysis-constants';
import { PAPER_FEATURE_COUNT as PAPER_FEATURE_COUNT_IMPORTED } from './feature-names';
import { RealFft400 } from './real-fft-400';
// Imported bindings are read through getters when TypeScript runs via tsx/esbuild (and as
// property loads under tsc): copied into module constants because they sit in per-sample loops.
const BIN_INDEX_HZ = BIN_INDEX_HZ_IMPORTED;
const REC = REC_IMPORTED;
const ROLLOFF_BAND = ROLLOFF_BAND_IMPORTED;
const ROLLOFF_LOW = ROLLOFF_LOW_IMPORTED;
const MFCC_DCT = MFCC_DCT_IMPORTED;
const CHROMA_MAP = CHROMA_MAP_IMPORTED;
const ENTROPY_BLOCKS = ENTROPY_BLOCKS_IMPORTED;
const EPS = EPS_IMPORTED;
const FRAME_LENGTH = FRAME_LENGTH_IMPORTED;
const NUM_BINS = NUM_BINS_IMPORTED;
const NUM_FILTERS = NUM_FILTERS_IMPORTED;
const NUM_MFCC = NUM_MFCC_IMPORTED;
const SAMPLE_RATE = SAMPLE_RATE_IMPORTED;
const PAPER_FEATURE_COUNT = PAPER_FEATURE_COUNT_IMPORTED;

/**
 * A window's 34 short-term features from the frame records of its frames (see frame-record.ts),
 * for the window's normalisation (mean m, scale s). Equals the toolkit run on the window's
 * samples to ~1e-12 relative; shortcuts that would lose exactness fall back to the samples.
 */

/** Where a window's frames and their samples are. */
export interface WindowFrames {
  /** the records buffer and where frame j's record starts */
  records: Float64Array;
  recordOffset(frame: number): number;
  /** samples, and the index in it of frame j's first sample */
  samples: ArrayLike<number>;
  sampleOffset(frame: number): number;
  numFrames: number;
}

/** Fallback counters, for the benchmark and tests (how often shortcuts were not exact enough). */
export interface FallbackCounts {
  zcr: number;
  rolloff: number;
  mfcc: number;
}

/** largest 200 s eps / G for which the first-order eps correction of the MFCCs is exact enough */
const MFCC_SHORTCUT_LIMIT = 1e-6;
const SQRT_FILTERS = Math.sqrt(NUM_FILTERS);
const HALF_RATE = SAMPLE_RATE / 2;

export class WindowFeatureComputer {
  private readonly fft = new RealFft400();
  private readonly re = new Float64Array(NUM_BINS);
  private readonly im = new Float64Array(NUM_BINS);
  private readonly blockEnergy = new Float64Array(ENTROPY_BLOCKS);
  private readonly chroma = new Float64Array(12);
  readonly fallbacks: FallbackCounts = { zcr: 0, rolloff: 0, mfcc: 0 };

  /**
   * Writes feature i of frame j to out[i * stride + j] (34 rows), for a window whose samples have
   * mean m and scale s (max |r - m| + 1e-10).
   */
  compute(frames: WindowFrames, mean: number, scale: number, out: Float64Array, stride: number): void {
    const rec = frames.records;
    const sigma = 40000 * scale * scale; // X = A / (200 s), so X^2 = A^2 / sigma
    const fluxEps = 40000 * scale * EPS; // 200 eps in A units
    const logScale = Math.log10(200 * scale);
    const epsScale = 200 * scale * EPS;
    const energyEps = EPS * scale * scale;
    const bin0Class = CHROMA_MAP.classOfBin[0];
    const bin0Divisor = CHROMA_MAP.divisorOfBin[0];
    const blockEnergy = this.blockEnergy;
    const chroma = this.chroma;
    let prevA0 = 0;
    let prevU = 0;
    let prevSquares = 0;
    for (let j = 0; j < frames.numFrames; j++) {
      const o = frames.recordOffset(j);

      // zero-crossing rate
      if (rec[o + REC.zcrMean] === mean || (rec[o + REC.zcrLow] < mean && mean < rec[o + REC.zcrHigh])) {
        out[j] = rec[o + REC.zcr];
      } else if (rec[o + REC.zcrMean2] === mean || (rec[o + REC.zcrLow2] < mean && mean < rec[o + REC.zcrHigh2])) {
        out[j] = rec[o + REC.zcr2];
      } else {
        this.updateZcr(frames.samples, frames.sampleOffset(j), mean, rec, o);
        this.fallbacks.zcr++;
        out[j] = rec[o + REC.zcr];
      }

      // energy and energy entropy (raw units; y = (r - m) / s)
      let energy = 0;
      for (let b = 0; b < ENTROPY_BLOCKS; b++) {
        const d = rec[o + REC.blockMean + b] - mean;
        const e = rec[o + REC.blockCentredEnergy + b] + 40 * d * d;
        blockEnergy[b] = e;
        energy += e;
      }
      out[stride + j] = energy / (FRAME_LENGTH * scale * scale);
      const energyDen = energy + energyEps;
      let entropy = 0;
      for (let b = 0; b < ENTROPY_BLOCKS; b++) {
        const share = blockEnergy[b] / energyDen;
        entropy -= share * Math.log2(share + EPS);
      }
      out[2 * stride + j] = entropy;

      // bin 0 of this window's spectrum, in A units
      const A0 = 400 * Math.abs(rec[o + REC.frameMean] - mean);
      const sumA = rec[o + REC.sumA] + A0;

      // centroid and spread: the max-normalisation cancels except through eps
      let maxA = rec[o + REC.maxA];
      if (A0 > maxA) maxA = A0;
      if (maxA === 0) {
        out[3 * stride + j] = 0;
        out[4 * stride + j] = 0;
      } else {
        const num = (rec[o + REC.sumIndA] + 40 * A0) / maxA;
        const sumXt = sumA / maxA;
        const den = sumXt + EPS;
        const centroid = num / den;
        const second = (rec[o + REC.sumInd2A] + 1600 * A0) / maxA;
        const spreadSum = second - 2 * centroid * num + centroid * centroid * sumXt;
        out[3 * stride + j] = centroid / HALF_RATE;
        out[4 * stride + j] = Math.sqrt(Math.max(0, spreadSum) / den) / HALF_RATE;
      }

      // spectral entropy: H = -sum s log2 s with s = b / T', T' = T + eps sigma
      const block0 = A0 * A0 + rec[o + REC.entropyBlock0];
      const squares = block0 + rec[o + REC.entropyUpper];
      const totalDen = squares + EPS * sigma;
      const bLogB = rec[o + REC.entropyUpperBLogB] + (block0 > 0 ? block0 * Math.log2(block0) : 0);
      out[5 * stride + j] = squares > 0 ? -bLogB / totalDen + (squares / totalDen) * Math.log2(totalDen) : 0;

      // flux against the previous frame of the window (0 on the first)
      const u = sumA + fluxEps;
      if (j === 0) out[6 * stride + j] = 0;
      else {
        const cross = rec[o + REC.fluxCross] + A0 * prevA0;
        const flux = squares / (u * u) - (2 * cross) / (u * prevU) + prevSquares / (prevU * prevU);
        out[6 * stride + j] = flux > 0 ? flux : 0;
      }
      prevA0 = A0;
      prevU = u;
      prevSquares = squares;

      // rolloff: first k with A0^2 + cumulative(1..k) + eps sigma > 0.9 total
      out[7 * stride + j] = this.rolloff(frames, j, o, A0, squares, sigma);

      // MFCC: bins 0 and 1 feed no filter, so only s matters. log10(G / (200 s) + eps) =
      // log10 G - log10(200 s) + log10(1 + x), x = 200 s eps / G: the first term is cached as its
      // DCT, the second only shifts c0, the third is x / ln10 to first order (DCT of 1/G cached);
      // exact to ~x^2, so used while x < 1e-6 for every filter.
      const minFilter = rec[o + REC.minFilter];
      if (minFilter * MFCC_SHORTCUT_LIMIT > epsScale) {
        const correction = epsScale / Math.LN10;
        out[8 * stride + j] = rec[o + REC.logMelDct] - logScale * SQRT_FILTERS + correction * rec[o + REC.inverseMelDct];
        for (let c = 1; c < NUM_MFCC; c++) {
          out[(8 + c) * stride + j] = rec[o + REC.logMelDct + c] + correction * rec[o + REC.inverseMelDct + c];
        }
      } else {
        this.fallbacks.mfcc++;
        const invScale = 1 / (200 * scale);
        for (let c = 0; c < NUM_MFCC; c++) {
          let acc = 0;
          const row = c * NUM_FILTERS;
          for (let i = 0; i < NUM_FILTERS; i++) {
            acc += MFCC_DCT[row + i] * Math.log10(rec[o + REC.filterOutputs + i] * invScale + EPS);
          }
          out[(8 + c) * stride + j] = acc;
        }
      }

      // chroma (scale-free: ratio of energies)
      for (let c = 0; c < 12; c++) chroma[c] = rec[o + REC.chroma + c];
      if (bin0Class >= 0) chroma[bin0Class] += (A0 * A0) / bin0Divisor;
      let chromaMean = 0;
      if (squares === 0) {
        for (let c = 0; c < 12; c++) chroma[c] = 0;
      } else {
        for (let c = 0; c < 12; c++) {
          chroma[c] /= squares;
          chromaMean += chroma[c];
        }
        chromaMean /= 12;
      }
      let chromaVar = 0;
      for (let c = 0; c < 12; c++) {
        out[(21 + c) * stride + j] = chroma[c];
        const d = chroma[c] - chromaMean;
        chromaVar += d * d;
      }
      out[33 * stride + j] = Math.sqrt(chromaVar / 12);
    }
  }

  private updateZcr(samples: ArrayLike<number>, start: number, mean: number, rec: Float64Array, o: number): void {
    let crossings = 0;
    let low = -Infinity;
    let high = Infinity;
    let exact = false;
    let prev = 0;
    for (let i = 0; i < FRAME_LENGTH; i++) {
      const r = samples[start + i];
      const sign = r > mean ? 1 : r < mean ? -1 : 0;
      if (sign > 0) {
        if (r < high) high = r;
      } else if (sign < 0) {
        if (r > low) low = r;
      } else exact = true;
      if (i > 0) crossings += Math.abs(sign - prev);
      prev = sign;
    }
    rec[o + REC.zcr2] = rec[o + REC.zcr];
    rec[o + REC.zcrMean2] = rec[o + REC.zcrMean];
    rec[o + REC.zcrLow2] = rec[o + REC.zcrLow];
    rec[o + REC.zcrHigh2] = rec[o + REC.zcrHigh];
    rec[o + REC.zcr] = crossings / 2 / (FRAME_LENGTH - 1);
    rec[o + REC.zcrMean] = mean;
    rec[o + REC.zcrLow] = exact ? mean : low;
    rec[o + REC.zcrHigh] = exact ? mean : high;
  }

  private rolloff(frames: WindowFrames, j: number, o: number, A0: number, squares: number, sigma: number): number {
    const rec = frames.records;
    if (squares === 0) return 0;
    const threshold = 0.9 * squares - A0 * A0 - EPS * sigma;
    if (0 > threshold) return 0;
    const top = rec[o + REC.rolloffBin];
    if (threshold >= rec[o + REC.rolloffBand]) {
      for (let b = 1; b < ROLLOFF_BAND; b++) {
        if (rec[o + REC.rolloffBand + b] > threshold) return (top - ROLLOFF_BAND + b) / NUM_BINS;
      }
      return top / NUM_BINS;
    }
    // a large bin 0 (a frame far from the window's mean) moves the rolloff to the lowest bins
    if (threshold < rec[o + REC.rolloffLow + ROLLOFF_LOW - 1]) {
      for (let k = 1; k < ROLLOFF_LOW; k++) if (rec[o + REC.rolloffLow + k] > threshold) return k / NUM_BINS;
    }
    this.fallbacks.rolloff++;
    const re = this.re;
    const im = this.im;
    this.fft.transform(frames.samples, frames.sampleOffset(j), re, im);
    let cumulative = 0;
    for (let k = 1; k < NUM_BINS; k++) {
      cumulative += re[k] * re[k] + im[k] * im[k];
      if (cumulative > threshold) return k / NUM_BINS;
    }
    return 0;
  }
}

export { BIN_INDEX_HZ };
