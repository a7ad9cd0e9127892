import { loadAudioFileAs16kMono } from '../audio/load-audio-file';
import { corpusFeatures, type ClipFeatureProfile } from './corpus-features';
import type { ManifestEntry } from './corpus-manifest';
import { appendCopy, type LabelledVectors } from './labelled-vectors';
import { babbleNoise, mixAtSnr, pinkNoise, whiteNoise, type NoiseKind } from './noise-mixing';
import { SeededRandom, seedFrom } from './seeded-random';
import { speakerFolds } from './speaker-folds';
import type { SpeechTrimmingOptions } from '../features/front-end/speech-trimming';
import type { TrainingOptions } from './training-options';

/** Noisy copies of the training clips, added to the clean ones (a training option). */
export interface NoiseAugmentation {
  /** Noisy copies of every training clip, besides the clean clip itself. */
  copies: number;
  /** Signal-to-noise ratios are drawn uniformly from this range, in dB of the clip's active speech power. */
  snrDb: [number, number];
  kinds: NoiseKind[];
  /**
   * 'per-copy': each copy of a speaker is one room (one noise kind and SNR for all the speaker's clips);
   * 'per-clip': every clip draws its own kind and SNR.
   */
  conditions: 'per-copy' | 'per-clip';
  /**
   * Per-stream normalisation groups in training: 'copy' = each speaker's noisy copy is a stream of its
   * own (as one noisy room's stream would be at inference); 'speaker' = clean and noisy clips of a speaker together.
   */
  streams: 'copy' | 'speaker';
  /** Other speakers' clips summed into one babble noise. */
  babbleTalkers: number;
  seed: number;
}

/** The shipped recipe's augmentation (chosen by the experiments in docs/evaluation.md, "Noise robustness"). */
export const DEFAULT_NOISE_AUGMENTATION: NoiseAugmentation = {
  copies: 6,
  snrDb: [5, 30],
  kinds: ['white', 'pink', 'babble'],
  conditions: 'per-clip',
  streams: 'copy',
  babbleTalkers: 4,
  seed: 7,
};

/** Which clips (indices into the entries) may be babble talkers behind entry i. */
export type BabblePool = (index: number) => number[];

/** Any clip of another speaker: for training on the whole corpus. */
export function otherSpeakersPool(entries: ManifestEntry[]): BabblePool {
  return (i) => {
    const others = entries.map((e, j) => (e.speaker !== entries[i].speaker ? j : -1)).filter((j) => j >= 0);
    return others.length ? others : entries.map((_, j) => j).filter((j) => j !== i);
  };
}

/**
 * Clips of the other speakers of the same cross-validation fold group: whenever a clip is in a fold's
 * training part, so are all its babble talkers, so test speakers never leak into training as noise.
 * Uses speakerFolds with the same speakers, k and seed as crossValidate.
 */
export function sameFoldPool(entries: ManifestEntry[], folds: number, seed: number): BabblePool {
  const groupOf = new Array<number>(entries.length);
  speakerFolds(
    entries.map((e) => e.speaker),
    folds,
    seed,
  ).forEach((idx, f) => idx.forEach((i) => (groupOf[i] = f)));
  return (i) => entries.map((e, j) => (groupOf[j] === groupOf[i] && e.speaker !== entries[i].speaker ? j : -1)).filter((j) => j >= 0);
}

interface Condition {
  kind: NoiseKind;
  snrDb: number;
}

/**
 * Feature vectors of `copies` noisy versions of every clip (cached like any corpus features): speakers
 * and labels as the clean clips, streams per the augmentation's grouping. Seeded: the same options give
 * the same noise.
 */
export async function noiseAugmentedFeatures(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  augmentation: NoiseAugmentation,
  options: {
    pool: BabblePool;
    speechOnly: boolean;
    denoise?: boolean;
    trimming?: SpeechTrimmingOptions;
    cacheDir?: string;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<LabelledVectors> {
  if (augmentation.kinds.length === 0) throw new Error('noise augmentation needs at least one noise kind');
  const [low, high] = augmentation.snrDb;
  const draw = (rng: SeededRandom): Condition => ({
    kind: augmentation.kinds[Math.floor(rng.next() * augmentation.kinds.length)],
    // Rounded so that cache keys are short and stable.
    snrDb: Math.round(10 * (low + rng.next() * (high - low))) / 10,
  });
  const talkerAudio = new Map<number, Float32Array>();
  const loadTalker = async (j: number) => {
    let audio = talkerAudio.get(j);
    if (!audio) {
      audio = await loadAudioFileAs16kMono(entries[j].path);
      talkerAudio.set(j, audio);
    }
    return audio;
  };
  const out: LabelledVectors & { streams: string[] } = { vectors: [], labels: [], speakers: [], clips: [], streams: [] };
  for (let copy = 1; copy <= augmentation.copies; copy++) {
    const data = await corpusFeatures(entries, profile, {
      speechOnly: options.speechOnly,
      denoise: options.denoise,
      trimming: options.trimming,
      cacheDir: options.cacheDir,
      onProgress: options.onProgress && ((d, t) => options.onProgress!((copy - 1) * t + d, augmentation.copies * t)),
      transformOf: (entry, index) => {
        const condition =
          augmentation.conditions === 'per-copy'
            ? draw(new SeededRandom(seedFrom(augmentation.seed, 'room', entry.speaker, copy)))
            : draw(new SeededRandom(seedFrom(augmentation.seed, 'clip', entry.path, copy)));
        const rng = new SeededRandom(seedFrom(augmentation.seed, 'noise', entry.path, copy));
        let talkers: number[] = [];
        if (condition.kind === 'babble') {
          const pool = options.pool(index);
          if (pool.length === 0) throw new Error(`no other speakers' clips to make babble for ${entry.path}`);
          talkers = Array.from({ length: augmentation.babbleTalkers }, () => pool[Math.floor(rng.next() * pool.length)]);
        }
        const talkerKey = talkers.map((j) => entries[j].path).join(',');
        return {
          key: `noise ${condition.kind} ${condition.snrDb} dB seed ${seedFrom(augmentation.seed, 'noise', entry.path, copy)}${talkerKey ? ` talkers ${talkerKey}` : ''}`,
          apply: async (samples) => {
            const noise =
              condition.kind === 'white'
                ? whiteNoise(samples.length, rng)
                : condition.kind === 'pink'
                  ? pinkNoise(samples.length, rng)
                  : babbleNoise(samples.length, await Promise.all(talkers.map(loadTalker)), rng);
            return mixAtSnr(samples, noise, condition.snrDb);
          },
        };
      },
    });
    appendCopy(out, data, (speaker) => (augmentation.streams === 'copy' ? `${speaker}|noise ${copy}` : speaker));
  }
  return out;
}

/**
 * The noisy training copies cross-validation needs for these training options (undefined if none):
 * babble from the same fold group only, so crossValidate with the same folds and seed never mixes
 * a test speaker into training.
 */
export async function crossValidationNoiseCopies(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  training: TrainingOptions,
  folds: { folds: number; seed: number },
  onProgress?: (done: number, total: number) => void,
): Promise<LabelledVectors | undefined> {
  const noise = training.noiseAugmentation;
  if (!noise || noise.copies === 0) return undefined;
  return noiseAugmentedFeatures(entries, profile, noise, {
    pool: sameFoldPool(entries, folds.folds, folds.seed),
    speechOnly: training.speechOnly,
    denoise: training.denoise,
    onProgress,
  });
}
