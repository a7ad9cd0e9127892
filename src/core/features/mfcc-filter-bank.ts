import { NUM_BINS, NUM_FILTERS, SAMPLE_RATE } from './pyaudioanalysis-constants';

/**
 * The toolkit's 40-filter MFCC bank (scikits.talkbox layout: 13 linear filters from 133.33 Hz
 * 200/3 Hz apart, then 27 log-spaced by 1.0711703), stored sparsely: filter i covers bins
 * start[i] .. start[i]+weights[i].length-1.
 *
 * The toolkit builds the bank for num_fft = 200 "bins" of fs/200 = 80 Hz although its spectrum
 * bins are 40 Hz apart, so every filter sits at twice its nominal frequency. Copied on purpose:
 * models trained with the toolkit expect it.
 */
export interface MfccFilterBank {
  start: Int32Array;
  weights: Float64Array[];
}

function buildFilterBank(): MfccFilterBank {
  const numLinear = 13;
  const lowFreq = 133.33;
  const linearStep = 200 / 3;
  const logFactor = 1.0711703;
  const freqs = new Float64Array(NUM_FILTERS + 2);
  for (let i = 0; i < numLinear; i++) freqs[i] = lowFreq + i * linearStep;
  for (let i = numLinear; i < NUM_FILTERS + 2; i++) {
    freqs[i] = freqs[numLinear - 1] * Math.pow(logFactor, i - numLinear + 1);
  }
  const binHz = (k: number): number => (k / NUM_BINS) * SAMPLE_RATE;
  const start = new Int32Array(NUM_FILTERS);
  const weights: Float64Array[] = [];
  for (let i = 0; i < NUM_FILTERS; i++) {
    const low = freqs[i];
    const centre = freqs[i + 1];
    const high = freqs[i + 2];
    const height = 2 / (high - low);
    const leftSlope = height / (centre - low);
    const rightSlope = height / (high - centre);
    const first = Math.floor((low * NUM_BINS) / SAMPLE_RATE) + 1;
    const mid = Math.floor((centre * NUM_BINS) / SAMPLE_RATE) + 1;
    const end = Math.floor((high * NUM_BINS) / SAMPLE_RATE) + 1;
    const w = new Float64Array(Math.max(0, end - first));
    for (let k = first; k < mid; k++) w[k - first] = leftSlope * (binHz(k) - low);
    for (let k = mid; k < end; k++) w[k - first] = rightSlope * (high - binHz(k));
    start[i] = first;
    weights.push(w);
  }
  return { start, weights };
}

export const MFCC_FILTER_BANK: MfccFilterBank = buildFilterBank();

/** Orthonormal DCT-II rows 0..12 of a 40-point signal, [k * 40 + n]. */
export const MFCC_DCT: Float64Array = (() => {
  const m = new Float64Array(13 * NUM_FILTERS);
  for (let k = 0; k < 13; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / NUM_FILTERS);
    for (let n = 0; n < NUM_FILTERS; n++) {
      m[k * NUM_FILTERS + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * NUM_FILTERS));
    }
  }
  return m;
})();
