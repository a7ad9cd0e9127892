import { float32AtMost, FrameRecords, REC, REC16, REC32, rolloffTailStart } from './frame-record';
import { MFCC_DCT, MFCC_FILTER_BANK } from './mfcc-filter-bank';
import { CHROMA_MAP } from './chroma-map';
import { ENTROPY_BLOCKS, EPS, FRAME_LENGTH, NUM_BINS, NUM_FILTERS, NUM_MFCC, SAMPLE_RATE } from './pyaudioanalysis-constants';
import { RealFft400 } from './real-fft-400';
import { countZeroCrossings, ZeroCrossingCounts, zeroCrossingRateAbout } from './zero-crossing-counts';
import { simdWindowFrames, WINDOW_FRAME_FLAGS, type SimdWindowFrames } from './window-frames-simd';

/**
 * A window's 34 short-term features from the frame records of its frames (see frame-record.ts),
 * for the window's normalisation (mean m, scale s). Equals the toolkit run on the window's
 * samples to ~1e-12 relative; shortcuts that would lose exactness fall back to the samples.
 */

/** Where a window's frames and their samples are. */
export interface WindowFrames {
  /** the frame records and the slot of frame j's record */
  records: FrameRecords;
  slot(frame: number): number;
  /**
   * The samples, valid at least over frame j's (from sampleOffset(j), FRAME_LENGTH of them). Called only when a
   * shortcut falls back to the samples, so a stream converts only that frame's 16-bit audio to floats.
   */
  samples(frame: number): ArrayLike<number>;
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
/** bound on the relative error of a float32-rounded cumulative power (2^-24, with slack) */
const SINGLE_PRECISION_MARGIN = 1.2e-7;
/** bound on the absolute error of a float32-rounded value below the normal range (2^-150, with slack) */
const SINGLE_PRECISION_FLOOR = 1e-44;
const ZCR_PAIRS = FRAME_LENGTH - 1;
const SQRT_FILTERS = Math.sqrt(NUM_FILTERS);
const HALF_RATE = SAMPLE_RATE / 2;

/** compute()'s constants of a window of scale s (what the toolkit's eps becomes in the records' units). */
export interface WindowConstants {
  /** X = A / (200 s), so X^2 = A^2 / sigma */
  sigma: number;
  /** 200 eps in A units */
  fluxEps: number;
  logScale: number;
  epsScale: number;
  energyEps: number;
  /** the MFCCs' first-order eps correction per unit of the DCT of 1 / G */
  correction: number;
}

export function windowConstants(scale: number): WindowConstants {
  const epsScale = 200 * scale * EPS;
  return {
    sigma: 40000 * scale * scale,
    fluxEps: 40000 * scale * EPS,
    logScale: Math.log10(200 * scale),
    epsScale,
    energyEps: EPS * scale * scale,
    correction: epsScale / Math.LN10,
  };
}

export class WindowFeatureComputer {
  private readonly fft = new RealFft400();
  private readonly power = new Float64Array(NUM_BINS);
  private readonly filterOutputs = new Float64Array(NUM_FILTERS);
  private readonly blockEnergy = new Float64Array(ENTROPY_BLOCKS);
  private readonly chroma = new Float64Array(12);
  private readonly zeroCrossings = new ZeroCrossingCounts();
  readonly fallbacks: FallbackCounts = { zcr: 0, rolloff: 0, mfcc: 0 };
  /** the frames' features in WebAssembly (the same bits), or null where the JavaScript below computes them */
  private readonly kernel: SimdWindowFrames | null;

  /** `simd: false` runs the JavaScript even where the WebAssembly kernel would (for tests and benchmarks). */
  constructor(options: { simd?: boolean } = {}) {
    this.kernel = options.simd === false ? null : simdWindowFrames();
  }

  /**
   * Writes feature i of frame j to out[i * stride + j] (34 rows), for a window whose samples have
   * mean m and scale s (max |r - m| + 1e-10).
   */
  compute(frames: WindowFrames, mean: number, scale: number, out: Float64Array, stride: number): void {
    const records = frames.records;
    const singles = records.singles;
    const halves = records.halves;
    const constants = windowConstants(scale);
    if (this.kernel !== null && this.computeByKernel(this.kernel, frames, mean, scale, constants, out, stride)) return;
    const { sigma, fluxEps, logScale, epsScale, energyEps, correction } = constants;
    const bin0Class = CHROMA_MAP.classOfBin[0];
    const bin0Divisor = CHROMA_MAP.divisorOfBin[0];
    const blockEnergy = this.blockEnergy;
    const chroma = this.chroma;
    let prevA0 = 0;
    let prevU = 0;
    let prevSquares = 0;
    for (let j = 0; j < frames.numFrames; j++) {
      const slot = frames.slot(j);
      const o32 = slot * REC32.length;
      const o16 = slot * REC16.length;

      out[j] = this.zeroCrossingRate(frames, j, slot, mean);

      // energy and energy entropy (raw units; y = (r - m) / s)
      let energy = 0;
      const blocks = frames.records.blocks;
      for (let b = 0; b < ENTROPY_BLOCKS; b++) {
        const i = 2 * frames.records.blockIndex(slot, b);
        const d = blocks[i] - mean;
        const e = blocks[i + 1] + 40 * d * d;
        blockEnergy[b] = e;
        energy += e;
      }
      out[stride + j] = energy / (FRAME_LENGTH * scale * scale);
      const inverseEnergyDen = 1 / (energy + energyEps);
      let entropy = 0;
      for (let b = 0; b < ENTROPY_BLOCKS; b++) {
        const share = blockEnergy[b] * inverseEnergyDen;
        entropy -= share * Math.log2(share + EPS);
      }
      out[2 * stride + j] = entropy;

      // bin 0 of this window's spectrum, in A units
      const A0 = 400 * Math.abs(FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.frameMean) - mean);
      const sumA = FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.sumA) + A0;

      // centroid and spread: the max-normalisation cancels except through eps
      let maxA = singles[o32 + REC32.maxA];
      if (A0 > maxA) maxA = A0;
      if (maxA === 0) {
        out[3 * stride + j] = 0;
        out[4 * stride + j] = 0;
      } else {
        const num = (FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.sumIndA) + 40 * A0) / maxA;
        const sumXt = sumA / maxA;
        const den = sumXt + EPS;
        const centroid = num / den;
        const second = (FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.sumInd2A) + 1600 * A0) / maxA;
        const spreadSum = second - 2 * centroid * num + centroid * centroid * sumXt;
        out[3 * stride + j] = centroid / HALF_RATE;
        out[4 * stride + j] = Math.sqrt(Math.max(0, spreadSum) / den) / HALF_RATE;
      }

      // spectral entropy: H = -sum s log2 s with s = b / T', T' = T + eps sigma
      const block0 = A0 * A0 + FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.entropyBlock0);
      const squares = block0 + FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.entropyUpper);
      const totalDen = squares + EPS * sigma;
      const bLogB =
        FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.entropyUpperBLogB) +
        (block0 > 0 ? block0 * Math.log2(block0) : 0);
      out[5 * stride + j] = squares > 0 ? -bLogB / totalDen + (squares / totalDen) * Math.log2(totalDen) : 0;

      // flux against the previous frame of the window (0 on the first)
      const u = sumA + fluxEps;
      if (j === 0) out[6 * stride + j] = 0;
      else {
        const cross = FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.fluxCross) + A0 * prevA0;
        const flux = squares / (u * u) - (2 * cross) / (u * prevU) + prevSquares / (prevU * prevU);
        out[6 * stride + j] = flux > 0 ? flux : 0;
      }
      prevA0 = A0;
      prevU = u;
      prevSquares = squares;

      // rolloff: first k with A0^2 + cumulative(1..k) + eps sigma > 0.9 total
      out[7 * stride + j] = this.rolloff(frames, j, slot, A0, squares, sigma);

      // MFCC: bins 0 and 1 feed no filter, so only s matters. log10(G / (200 s) + eps) =
      // log10 G - log10(200 s) + log10(1 + x), x = 200 s eps / G: the first term is cached as its
      // DCT, the second only shifts c0, the third is x / ln10 to first order (DCT of 1/G cached);
      // exact to ~x^2, so used while x < 1e-6 for every filter.
      const minFilter = singles[o32 + REC32.minFilter];
      if (minFilter * MFCC_SHORTCUT_LIMIT > epsScale) {
        out[8 * stride + j] =
          FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.logMelDct) -
          logScale * SQRT_FILTERS +
          correction * singles[o32 + REC32.inverseMelDct];
        for (let c = 1; c < NUM_MFCC; c++) {
          out[(8 + c) * stride + j] =
            FrameRecords.precise(records, singles, halves, o32, o16, slot, REC.logMelDct + c) +
            correction * singles[o32 + REC32.inverseMelDct + c];
        }
      } else this.mfccFromSamples(frames, j, scale, out, stride);

      // chroma (scale-free: ratio of energies)
      for (let c = 0; c < 12; c++) chroma[c] = singles[o32 + REC32.chroma + c];
      if (bin0Class >= 0) chroma[bin0Class] += (A0 * A0) / bin0Divisor;
      let chromaMean = 0;
      if (squares === 0) {
        for (let c = 0; c < 12; c++) chroma[c] = 0;
      } else {
        const inverseSquares = 1 / squares;
        for (let c = 0; c < 12; c++) {
          chroma[c] *= inverseSquares;
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

  /**
   * compute() by the WebAssembly kernel, FRAMES frames a call, and what it flags from the samples here; false (nothing
   * written) for a window it cannot take: frames not in consecutive slots, or a value of theirs in double precision.
   */
  private computeByKernel(
    kernel: SimdWindowFrames,
    frames: WindowFrames,
    mean: number,
    scale: number,
    constants: WindowConstants,
    out: Float64Array,
    stride: number,
  ): boolean {
    const records = frames.records;
    const n = frames.numFrames;
    if (n === 0) return false;
    const firstSlot = frames.slot(0);
    for (let j = 1; j < n; j++) {
      const expected = firstSlot + j;
      if (frames.slot(j) !== (expected >= records.ringSlots ? expected - records.ringSlots : expected)) return false;
    }
    if (records.holdsExactValues(firstSlot, n)) return false;
    const size = kernel.frames;
    const matrix = kernel.matrix;
    for (let first = 0; first < n; first += size) {
      const count = Math.min(size, n - first);
      records.copyFrames(frames.slot(first), count, kernel.singles, kernel.halves, kernel.blocks);
      kernel.run(count, first === 0, mean, scale, constants, CHROMA_MAP.classOfBin[0], CHROMA_MAP.divisorOfBin[0]);
      for (let i = 0; i < 34; i++) out.set(matrix.subarray(i * size, i * size + count), i * stride + first);
      const flags = kernel.flags;
      for (let k = 0; k < count; k++) {
        if (flags[k] === 0) continue;
        const j = first + k;
        const slot = frames.slot(j);
        if (flags[k] & WINDOW_FRAME_FLAGS.zcr) out[j] = this.zeroCrossingRate(frames, j, slot, mean);
        if (flags[k] & WINDOW_FRAME_FLAGS.rolloff) {
          out[7 * stride + j] = this.rolloff(frames, j, slot, kernel.bin0Magnitudes[k], kernel.squares[k], constants.sigma);
        }
        if (flags[k] & WINDOW_FRAME_FLAGS.mfcc) this.mfccFromSamples(frames, j, scale, out, stride);
      }
    }
    return true;
  }

  /** The zero-crossing rate: the counts about the frame's pivot, else the window code's own, else recounted. */
  private zeroCrossingRate(frames: WindowFrames, j: number, slot: number, mean: number): number {
    const records = frames.records;
    const singles = records.singles;
    const halves = records.halves;
    const o32 = slot * REC32.length;
    const o16 = slot * REC16.length;
    let zcr = zeroCrossingRateAbout(
      records.zcrPivot(slot),
      singles[o32 + REC32.zcrReach],
      halves[o16 + REC16.zcrBelow],
      halves[o16 + REC16.zcrAbove],
      mean,
      ZCR_PAIRS,
    );
    if (zcr < 0) zcr = this.secondZeroCrossingRate(singles, halves, o32, o16, mean);
    if (zcr < 0) {
      this.recountZeroCrossings(frames.samples(j), frames.sampleOffset(j), mean, records, slot);
      this.fallbacks.zcr++;
      zcr = this.secondZeroCrossingRate(singles, halves, o32, o16, mean);
      // the single-precision pivot left a sample between it and m, or the reach rounded down below it
      if (zcr < 0) zcr = this.zeroCrossingRateAt(frames.samples(j), frames.sampleOffset(j), mean);
    }
    return zcr;
  }

  /** Frame j's MFCCs from its samples (a filter output too close to eps for the cached DCT's first-order shortcut). */
  private mfccFromSamples(frames: WindowFrames, j: number, scale: number, out: Float64Array, stride: number): void {
    this.fallbacks.mfcc++;
    const G = this.filterOutputsOf(frames.samples(j), frames.sampleOffset(j));
    const invScale = 1 / (200 * scale);
    for (let c = 0; c < NUM_MFCC; c++) {
      let acc = 0;
      const row = c * NUM_FILTERS;
      for (let i = 0; i < NUM_FILTERS; i++) {
        acc += MFCC_DCT[row + i] * Math.log10(G[i] * invScale + EPS);
      }
      out[(8 + c) * stride + j] = acc;
    }
  }

  /**
   * Counts zero crossings of the frame from `start` for window mean m into the record's second set:
   * about the grid value nearest m when the frame's samples lie on a grid (so they serve the means
   * on both sides of it), else about m itself, each rounded to single precision as the record keeps it;
   * the reach measured (it can be wider than a step) and kept rounded down.
   */
  private recountZeroCrossings(samples: ArrayLike<number>, start: number, m: number, records: FrameRecords, slot: number): void {
    const o32 = slot * REC32.length;
    const o16 = slot * REC16.length;
    const exponent = records.halves[o16 + REC16.sampleGridExponent];
    const step = exponent > 0 ? 2 ** -exponent : 0;
    const pivot = Math.fround(step > 0 ? Math.round(m / step) * step : m);
    const counts = this.zeroCrossings;
    countZeroCrossings(samples, start, FRAME_LENGTH, pivot, NaN, counts);
    records.singles[o32 + REC32.zcrPivot2] = pivot;
    records.singles[o32 + REC32.zcrReach2] = float32AtMost(counts.reach);
    records.halves[o16 + REC16.zcrBelow2] = counts.below;
    records.halves[o16 + REC16.zcrAbove2] = counts.above;
  }

  /** The zero-crossing rate from the window code's own counts, or -1 when they do not serve mean m. */
  private secondZeroCrossingRate(singles: Float32Array, halves: Int16Array, o32: number, o16: number, m: number): number {
    return zeroCrossingRateAbout(
      singles[o32 + REC32.zcrPivot2],
      singles[o32 + REC32.zcrReach2],
      halves[o16 + REC16.zcrBelow2],
      halves[o16 + REC16.zcrAbove2],
      m,
      ZCR_PAIRS,
    );
  }

  /** The zero-crossing rate of the frame from `start` about m itself, from its samples (not kept). */
  private zeroCrossingRateAt(samples: ArrayLike<number>, start: number, m: number): number {
    const counts = this.zeroCrossings;
    countZeroCrossings(samples, start, FRAME_LENGTH, m, 0, counts);
    return zeroCrossingRateAbout(m, 0, counts.below, counts.above, m, ZCR_PAIRS);
  }

  /**
   * First k >= 1 with A0^2 + cumulative(1..k) + eps sigma > 0.9 total, i.e. cumulative(1..k) >
   * threshold, read from the single-precision cumulative spectrum walking down from the rolloff
   * with A0 = 0; the samples decide when a float32 value is too close to the threshold to tell or
   * the walk leaves the values kept (ROLLOFF_TAIL).
   */
  private rolloff(frames: WindowFrames, j: number, slot: number, A0: number, squares: number, sigma: number): number {
    if (squares === 0) return 0;
    const threshold = 0.9 * squares - A0 * A0 - EPS * sigma;
    if (0 > threshold) return 0;
    const tail = frames.records.singles;
    let k = frames.records.halves[slot * REC16.length + REC16.rolloffBin];
    const first = rolloffTailStart(k);
    // cumulative(1..k) is tail[base + k]
    const base = slot * REC32.length + REC32.rolloffTail - first;
    if (tail[base + k] > threshold) {
      while (k > 1 && k > first && tail[base + k - 1] > threshold) k--;
      const above = tail[base + k];
      const below = tail[base + k - 1];
      if (
        (k === 1 || k > first) &&
        above - threshold > SINGLE_PRECISION_MARGIN * above + SINGLE_PRECISION_FLOOR &&
        (k === 1 || threshold - below > SINGLE_PRECISION_MARGIN * below + SINGLE_PRECISION_FLOOR)
      ) {
        return k / NUM_BINS;
      }
    }
    this.fallbacks.rolloff++;
    const power = this.power;
    this.fft.powerSpectrum(frames.samples(j), frames.sampleOffset(j), power);
    let running = 0;
    for (let k = 1; k < NUM_BINS; k++) {
      running += power[k];
      if (running > threshold) return k / NUM_BINS;
    }
    return 0;
  }

  /** The filter-bank outputs G (in A units) of the frame from `start`, from its samples. */
  private filterOutputsOf(samples: ArrayLike<number>, start: number): Float64Array {
    const power = this.power;
    this.fft.powerSpectrum(samples, start, power);
    const G = this.filterOutputs;
    for (let i = 0; i < NUM_FILTERS; i++) {
      const w = MFCC_FILTER_BANK.weights[i];
      const first = MFCC_FILTER_BANK.start[i];
      let acc = 0;
      for (let n = 0; n < w.length; n++) {
        const k = first + n;
        acc += w[n] * Math.sqrt(power[k]);
      }
      G[i] = acc;
    }
    return G;
  }
}
