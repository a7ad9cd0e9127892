import { MODEL_SAMPLE_RATE } from '../audio/audio-chunk';
import { toMonoAtRate } from '../audio/load-audio-file';
import { corpusFeatures, type ClipFeatureProfile } from './corpus-features';
import type { ManifestEntry } from './corpus-manifest';
import { appendCopy, type LabelledVectors } from './labelled-vectors';

/**
 * Speed perturbation (Ko et al. 2015, "Audio augmentation for speech recognition"): every training clip
 * once more per factor, played faster or slower, so that pitch and formants shift together as in another
 * speaker's voice (a training option).
 */
export interface SpeedPerturbation {
  /** Playback speeds besides 1: 1.1 is 10% faster, shorter and 10% higher in pitch. */
  factors: number[];
  /**
   * Per-stream normalisation groups in training: 'copy' = each speaker's copy at one speed is a stream of its own
   * (a new voice); 'speaker' = a speaker's clips at every speed in one stream.
   */
  streams: 'copy' | 'speaker';
}

/** The factors Ko et al. used besides 1 (three-way speed perturbation). */
export const DEFAULT_SPEED_FACTORS = [0.9, 1.1];

/** Factors outside this range are refused: beyond it speech stops sounding like a person. */
const FACTOR_RANGE: [number, number] = [0.5, 2];

export function checkSpeedFactors(factors: number[]): void {
  if (factors.length === 0) throw new Error('speed perturbation needs at least one factor');
  for (const f of factors) {
    if (!(Number.isFinite(f) && f >= FACTOR_RANGE[0] && f <= FACTOR_RANGE[1] && f !== 1))
      throw new Error(`a speed factor is a number in [${FACTOR_RANGE.join(', ')}] other than 1 (got ${f})`);
  }
  if (new Set(factors).size !== factors.length) throw new Error('speed factors are given once each');
}

/**
 * 16 kHz samples played back `factor` times as fast: taken as if recorded at 16 kHz × factor and
 * resampled to 16 kHz with the package's resampler, so the clip lasts 1/factor as long and every
 * frequency (pitch, formants) is multiplied by factor.
 */
export function speedPerturb(samples: Float32Array, factor: number): Float32Array {
  checkSpeedFactors([factor]);
  return toMonoAtRate([samples], speedSourceRate(factor), MODEL_SAMPLE_RATE);
}

/** The rate the samples are taken to have been recorded at (whole hertz, so the key and the resampler agree). */
function speedSourceRate(factor: number): number {
  return Math.round(MODEL_SAMPLE_RATE * factor);
}

/**
 * Feature vectors of every clip at every speed factor (cached like any corpus features, keyed by the
 * factor): speakers and labels as the clean clips, streams per the perturbation's grouping. No random
 * draw is involved, so the same factors always give the same copies.
 */
export async function speedPerturbedFeatures(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  perturbation: SpeedPerturbation,
  options: { speechOnly: boolean; denoise?: boolean; cacheDir?: string; onProgress?: (done: number, total: number) => void },
): Promise<LabelledVectors> {
  checkSpeedFactors(perturbation.factors);
  const out: LabelledVectors & { streams: string[] } = { vectors: [], labels: [], speakers: [], clips: [], streams: [] };
  const count = perturbation.factors.length;
  for (const [k, factor] of perturbation.factors.entries()) {
    const data = await corpusFeatures(entries, profile, {
      speechOnly: options.speechOnly,
      denoise: options.denoise,
      cacheDir: options.cacheDir,
      onProgress: options.onProgress && ((d, t) => options.onProgress!(k * t + d, count * t)),
      transformOf: () => ({
        key: `speed ${factor} (from ${speedSourceRate(factor)} Hz)`,
        apply: (samples) => speedPerturb(samples, factor),
      }),
    });
    appendCopy(out, data, (speaker) => (perturbation.streams === 'copy' ? `${speaker}|speed ${factor}` : speaker));
  }
  return out;
}
