/**
 * Constants of pyAudioAnalysis's short-term analysis at 16 kHz (ShortTermFeatures.py, v0.3.14).
 */

/** float64 machine epsilon, the toolkit's `eps` */
export const EPS = 2.220446049250313e-16;
export const SAMPLE_RATE = 16000;
/** 25 ms */
export const FRAME_LENGTH = 400;
/** 10 ms */
export const FRAME_STEP = 160;
/** bins kept of the 400-point FFT */
export const NUM_BINS = 200;
export const NUM_MFCC = 13;
export const NUM_FILTERS = 40;
/** added to the peak in the whole-signal normalisation */
export const PEAK_FLOOR = 1e-10;
/** blocks of the energy and spectral entropies */
export const ENTROPY_BLOCKS = 10;

/** Number of frames the toolkit makes of n samples: while pos + 399 < n. */
export function frameCount(numSamples: number): number {
  return numSamples < FRAME_LENGTH ? 0 : Math.floor((numSamples - FRAME_LENGTH) / FRAME_STEP) + 1;
}
