import { ExtendedDescriptorCalculator } from './extended-descriptors';
import { clipVectorNames, PAPER_FEATURE_NAMES } from './feature-names';
import { FeatureProfile } from './feature-profile';
import { HannAmplitudeSpectrum } from './hann-amplitude-spectrum';
import { paperClipVector } from './paper-features';
import { SAMPLE_RATE } from './pyaudioanalysis-constants';
import { YinPitchTracker } from './yin-pitch';

/**
 * The `extended` profile: the paper's 68 numbers followed by statistics of what the paper's set
 * lacks and emotion research finds telling (prosody and voice quality):
 *
 * - F0 from YIN (yin-pitch.ts; 60-500 Hz, threshold 0.15, every 10 ms, frames quieter than
 *   -50 dBFS unvoiced): mean, std, 10th and 90th percentile over voiced frames (Hz, 0 with no
 *   voiced frame), and the voiced share of frames;
 * - from the amplitude spectrum of 512-sample Hann-windowed frames every 10 ms, on the unnormalised
 *   signal (hann-amplitude-spectrum.ts, extended-descriptors.ts, as Meyda 5 computed them before):
 *   total loudness (Bark bands), spectral flatness, slope and kurtosis, mean and std.
 *
 * These are computed on the raw (not peak-normalised) samples, so loudness keeps the level.
 * Frames where a quantity is not finite (silence) are left out of its statistics.
 */
export const EXTENDED_ADDED_NAMES: readonly string[] = Object.freeze([
  'f0_mean',
  'f0_std',
  'f0_p10',
  'f0_p90',
  'voiced_share',
  'loudness_mean',
  'loudness_std',
  'spectral_flatness_mean',
  'spectral_flatness_std',
  'spectral_slope_mean',
  'spectral_slope_std',
  'spectral_kurtosis_mean',
  'spectral_kurtosis_std',
]);
export const EXTENDED_ADDED_LENGTH = EXTENDED_ADDED_NAMES.length;

const SPECTRUM_FRAME = 512;
const STEP = 160;
const MIN_F0 = 60;
const MAX_F0 = 500;

const pitchTracker = new YinPitchTracker({ sampleRate: SAMPLE_RATE, minF0: MIN_F0, maxF0: MAX_F0, threshold: 0.15 });
const PITCH_BUFFER = pitchTracker.frameLength;
/** mean square below -50 dBFS: too quiet to call voiced */
const PITCH_MIN_MEAN_SQUARE = 1e-5;
const spectrum = new HannAmplitudeSpectrum(SPECTRUM_FRAME);
const descriptors = new ExtendedDescriptorCalculator(SAMPLE_RATE, SPECTRUM_FRAME);

/** The 13 added statistics of samples (16 kHz mono, [-1, 1]) taken as one clip. */
export function extendedWindowStatistics(samples: Float32Array): number[] {
  const pitches: number[] = [];
  let pitchFrames = 0;
  const pitchFrame = new Float32Array(PITCH_BUFFER);
  for (let start = 0; start + PITCH_BUFFER <= samples.length || (start === 0 && samples.length > 0); start += STEP) {
    pitchFrame.fill(0);
    pitchFrame.set(samples.subarray(start, Math.min(samples.length, start + PITCH_BUFFER)));
    pitchFrames++;
    let meanSquare = 0;
    for (let i = 0; i < PITCH_BUFFER; i++) meanSquare += pitchFrame[i] * pitchFrame[i];
    meanSquare /= PITCH_BUFFER;
    const f0 = meanSquare >= PITCH_MIN_MEAN_SQUARE ? pitchTracker.estimate(pitchFrame, 0) : 0;
    if (f0 > 0) pitches.push(f0);
    if (start + PITCH_BUFFER > samples.length) break;
  }

  const loudness: number[] = [];
  const flatness: number[] = [];
  const slope: number[] = [];
  const kurtosis: number[] = [];
  const frame = new Float32Array(SPECTRUM_FRAME);
  for (let start = 0; start + SPECTRUM_FRAME <= samples.length || (start === 0 && samples.length > 0); start += STEP) {
    frame.fill(0);
    frame.set(samples.subarray(start, Math.min(samples.length, start + SPECTRUM_FRAME)));
    const d = descriptors.describe(spectrum.compute(frame));
    pushFinite(loudness, d.loudness);
    pushFinite(flatness, d.spectralFlatness);
    pushFinite(slope, d.spectralSlope);
    pushFinite(kurtosis, d.spectralKurtosis);
    if (start + SPECTRUM_FRAME > samples.length) break;
  }
  const sorted = [...pitches].sort((a, b) => a - b);
  return [
    meanOf(pitches),
    stdOf(pitches),
    percentile(sorted, 0.1),
    percentile(sorted, 0.9),
    pitchFrames > 0 ? pitches.length / pitchFrames : 0,
    meanOf(loudness),
    stdOf(loudness),
    meanOf(flatness),
    stdOf(flatness),
    meanOf(slope),
    stdOf(slope),
    meanOf(kurtosis),
    stdOf(kurtosis),
  ];
}

function pushFinite(list: number[], v: number): void {
  if (Number.isFinite(v)) list.push(v);
}
function meanOf(v: number[]): number {
  return v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length;
}
function stdOf(v: number[]): number {
  if (v.length === 0) return 0;
  const m = meanOf(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
}
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const EXTENDED_SHORT_TERM_NAMES: readonly string[] = Object.freeze([
  ...PAPER_FEATURE_NAMES,
  'f0',
  'voicing',
  'loudness',
  'spectral_flatness',
  'spectral_slope',
  'spectral_kurtosis',
]);

export const EXTENDED_PROFILE: FeatureProfile = Object.freeze({
  name: 'extended' as const,
  featureNames: [...EXTENDED_SHORT_TERM_NAMES],
  vectorNames: [...clipVectorNames(PAPER_FEATURE_NAMES), ...EXTENDED_ADDED_NAMES],
  vectorLength: 68 + EXTENDED_ADDED_LENGTH,
  clipVector(samples16k: Float32Array): Float64Array {
    const vector = new Float64Array(68 + EXTENDED_ADDED_LENGTH);
    vector.set(paperClipVector(samples16k));
    vector.set(extendedWindowStatistics(samples16k), 68);
    return vector;
  },
});
