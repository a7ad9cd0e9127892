import { CHROMA_FEEDING_BINS, CHROMA_FEEDING_CLASS, CHROMA_FEEDING_WEIGHT } from './chroma-map';
import { MFCC_FILTER_BANK } from './mfcc-filter-bank';
import { FOLDED_DCT_ROWS } from './mfcc-folded-dct';
import { NUM_BINS, NUM_FILTERS, NUM_MFCC } from './pyaudioanalysis-constants';
import { REAL_FFT_400_TABLES } from './real-fft-400';
import { fftOfInput, writeFftTables, type FftTableAddresses } from './real-fft-400-simd';
import { loadOncePerThread, loadSimdKernel } from '../simd-kernel';

/**
 * A frame's power spectrum and what its record takes from it, by the WebAssembly SIMD kernel
 * (assembly/frame-spectrum.ts): the same bits as the JavaScript stages of FrameAnalyser (frame-record.ts).
 * The arrays are views of the kernel's memory, valid until its next call.
 */
export interface SimdFrameSpectrum {
  /**
   * The FFT of input[offset .. offset + 400) and the sums over its spectrum; `last` the previous frame's A_k (the
   * flux's cross term, garbage without one).
   */
  analyse(input: ArrayLike<number>, offset: number, last: Float64Array | undefined): void;
  /** DCT rows of ln G (after the caller wrote logFilters) and of 1 / G into logDct and inverseDct. */
  mfccDcts(): void;
  /** A_k (A_0 = 0) */
  readonly magnitude: Float64Array;
  /** power over bins 1..k at [k], 0 at [0] */
  readonly cumulative: Float64Array;
  /** sum A, sum f A, sum f^2 A, the cross term, the largest power, the smallest filter output (SPECTRUM_SUM) */
  readonly sums: Float64Array;
  /** power over each entropy block (block 0 from bin 1) */
  readonly blockSums: Float64Array;
  readonly chroma: Float64Array;
  /** the filter-bank outputs G */
  readonly filters: Float64Array;
  /** ln G, for the caller to write */
  readonly logFilters: Float64Array;
  /** DCT rows 0..12 of ln G (not yet scaled to log10) */
  readonly logDct: Float64Array;
  readonly inverseDct: Float64Array;
}

export const SPECTRUM_SUM = { sumA: 0, sumIndA: 1, sumInd2A: 2, cross: 3, maxPower: 4, minFilter: 5 } as const;

interface KernelExports extends FftTableAddresses {
  INPUT_F32: WebAssembly.Global;
  INPUT_F64: WebAssembly.Global;
  LAST: WebAssembly.Global;
  MAGNITUDE: WebAssembly.Global;
  CUMULATIVE: WebAssembly.Global;
  SUMS: WebAssembly.Global;
  BLOCK_SUMS: WebAssembly.Global;
  CHROMA: WebAssembly.Global;
  FILTERS: WebAssembly.Global;
  LOG_FILTERS: WebAssembly.Global;
  LOG_DCT: WebAssembly.Global;
  INVERSE_DCT: WebAssembly.Global;
  CHROMA_TERMS: WebAssembly.Global;
  CHROMA_COUNTS: WebAssembly.Global;
  FILTER_TERMS: WebAssembly.Global;
  FILTER_COUNTS: WebAssembly.Global;
  DCT_ROWS_0_MOD_4: WebAssembly.Global;
  DCT_ROWS_2_MOD_4: WebAssembly.Global;
  DCT_ODD_ROWS: WebAssembly.Global;
  TERM_CAPACITY: WebAssembly.Global;
  powerSpectrumF32(): void;
  powerSpectrumF64(): void;
  spectrumSums(): void;
  mfccDcts(): void;
}

/** The kernel, one per thread (its callers share it: each call is synchronous), or null where it cannot run. */
export const simdFrameSpectrum = loadOncePerThread(instantiate);

/** A weighted sum: the bins in the order the JavaScript adds them, and their weights. */
interface WeightedSum {
  bins: number[];
  weights: number[];
}

/**
 * Writes weighted sums in pairs (sum 2q in lane 0, 2q + 1 in lane 1), each term as its bins (i32 x 2) and weights
 * (f64 x 2) in 32 bytes; the shorter lane is padded with weight 0 on bin 1.
 */
function writePairedSums(buffer: ArrayBuffer, terms: number, counts: number, capacity: number, sums: WeightedSum[]): void {
  const count = new Int32Array(buffer, counts, sums.length / 2);
  for (let q = 0; q < sums.length / 2; q++) {
    const [a, b] = [sums[2 * q], sums[2 * q + 1]];
    const length = Math.max(a.bins.length, b.bins.length);
    if (length > capacity) throw new Error(`frame spectrum kernel: a sum of ${length} terms, room for ${capacity}`);
    count[q] = length;
    for (let i = 0; i < length; i++) {
      const at = terms + (q * capacity + i) * 32;
      new Int32Array(buffer, at, 2).set([a.bins[i] ?? 1, b.bins[i] ?? 1]);
      new Float64Array(buffer, at + 16, 2).set([a.weights[i] ?? 0, b.weights[i] ?? 0]);
    }
  }
}

function instantiate(): SimdFrameSpectrum | null {
  const kernel = loadSimdKernel<KernelExports>('frame-spectrum-simd.wasm');
  if (kernel === null) return null;
  writeFftTables(kernel, REAL_FFT_400_TABLES);
  const buffer = kernel.memory.buffer;
  const capacity = kernel.TERM_CAPACITY.value as number;

  // chroma class c: its feeding bins in ascending order, as analyseChroma adds them
  const chroma: WeightedSum[] = Array.from({ length: 12 }, () => ({ bins: [], weights: [] }));
  for (let i = 0; i < CHROMA_FEEDING_BINS.length; i++) {
    chroma[CHROMA_FEEDING_CLASS[i]].bins.push(CHROMA_FEEDING_BINS[i]);
    chroma[CHROMA_FEEDING_CLASS[i]].weights.push(CHROMA_FEEDING_WEIGHT[i]);
  }
  writePairedSums(buffer, kernel.CHROMA_TERMS.value, kernel.CHROMA_COUNTS.value, capacity, chroma);
  // filter i: its bins in ascending order, as mfccFilterSums adds them
  const filters: WeightedSum[] = MFCC_FILTER_BANK.weights.map((w, i) => ({
    bins: Array.from(w, (_, n) => MFCC_FILTER_BANK.start[i] + n),
    weights: Array.from(w),
  }));
  writePairedSums(buffer, kernel.FILTER_TERMS.value, kernel.FILTER_COUNTS.value, capacity, filters);
  new Float64Array(buffer, kernel.DCT_ROWS_0_MOD_4.value, 40).set(FOLDED_DCT_ROWS.rows0Mod4);
  new Float64Array(buffer, kernel.DCT_ROWS_2_MOD_4.value, 30).set(FOLDED_DCT_ROWS.rows2Mod4);
  new Float64Array(buffer, kernel.DCT_ODD_ROWS.value, 120).set(FOLDED_DCT_ROWS.oddRows);

  const fft = fftOfInput(kernel);
  // the memory never grows (one fixed page), so these views stay valid
  const view = (global: WebAssembly.Global, length: number) => new Float64Array(buffer, global.value, length);
  const last = view(kernel.LAST, NUM_BINS);
  return {
    analyse(input, offset, previous) {
      fft(input, offset);
      if (previous !== undefined) last.set(previous);
      kernel.spectrumSums();
    },
    mfccDcts: () => kernel.mfccDcts(),
    magnitude: view(kernel.MAGNITUDE, NUM_BINS),
    cumulative: view(kernel.CUMULATIVE, NUM_BINS),
    sums: view(kernel.SUMS, 6),
    blockSums: view(kernel.BLOCK_SUMS, 10),
    chroma: view(kernel.CHROMA, 12),
    filters: view(kernel.FILTERS, NUM_FILTERS),
    logFilters: view(kernel.LOG_FILTERS, NUM_FILTERS),
    logDct: view(kernel.LOG_DCT, NUM_MFCC),
    inverseDct: view(kernel.INVERSE_DCT, NUM_MFCC),
  };
}
